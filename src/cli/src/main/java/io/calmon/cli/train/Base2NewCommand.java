package io.calmon.cli.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calmon.cli.UserError;
import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import io.calmon.trainer.data.ImageDataset;
import io.calmon.trainer.eval.Base2NewEvaluation;
import io.calmon.trainer.eval.Base2NewEvaluation.MethodResult;
import io.calmon.trainer.eval.Base2NewEvaluation.SeedResult;
import io.calmon.trainer.tuning.TuningConfig;
import io.calmon.trainer.tuning.TuningMethod;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon eval base2new}: the paper's table for one dataset. */
@Command(
    name = "base2new",
    mixinStandardHelpOptions = true,
    description = "Base-to-new generalisation: accuracy, H, ECE, ACE, MCE per method (percent).")
final class Base2NewCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "CLIP model directory.")
  Path model;

  @Option(names = "--dataset", required = true, description = "Dataset directory.")
  Path dataset;

  @Option(names = "--image-root", description = "Where split paths resolve (default: guessed).")
  Path imageRoot;

  @Option(
      names = "--methods",
      defaultValue = "zeroshot,coop,kgcoop,coop+dor,kgcoop+dor",
      description = "Comma-separated methods (default: ${DEFAULT-VALUE}).")
  String methods;

  @Option(
      names = "--shots",
      defaultValue = "16",
      description = "Shots per base class (default: 16).")
  int shots;

  @Option(names = "--seeds", defaultValue = "1,2,3", description = "Seeds (default: 1,2,3).")
  String seeds;

  @Option(names = "--outliers", description = "Outlier word list (default: WordNet nouns).")
  Path outliers;

  @Option(
      names = "--format",
      defaultValue = "markdown",
      description = "json or markdown (default: markdown).")
  String format;

  @Mixin TuningOptions tuning;

  @Override
  public Integer call() {
    List<TuningMethod> ms = new ArrayList<>();
    List<Long> ss = new ArrayList<>();
    try {
      for (String m : methods.split(",")) {
        ms.add(TuningMethod.parse(m));
      }
      for (String s : seeds.split(",")) {
        ss.add(Long.parseLong(s.trim()));
      }
    } catch (NumberFormatException e) {
      throw new UserError("--seeds must be comma-separated integers, got '" + seeds + "'");
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    if (!format.equals("json") && !format.equals("markdown")) {
      throw new UserError("--format must be json or markdown, got '" + format + "'");
    }
    if (shots < 1) {
      throw new UserError("--shots must be >= 1, got " + shots);
    }
    TuningConfig config = tuning.config(ms.get(0).name(), ss.get(0));
    PrintWriter out = spec.commandLine().getOut();
    // Progress goes to stderr so that stdout is the table or the JSON alone.
    PrintWriter log = spec.commandLine().getErr();
    List<MethodResult> results;
    try (ClipModel clip = Models.load(model)) {
      ImageDataset data = Models.dataset(dataset, imageRoot);
      List<String> words = outliers == null ? null : Models.words(outliers);
      results =
          new Base2NewEvaluation(clip, log)
              .run(
                  data, new Base2NewEvaluation.Plan(ms, config, ss, shots, words, tuning.poolSize));
    } catch (ClipException | IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    out.print(format.equals("json") ? json(results) : markdown(results));
    out.flush();
    return 0;
  }

  static String json(List<MethodResult> results) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    ArrayNode arr = root.putArray("methods");
    for (MethodResult r : results) {
      ObjectNode m = arr.addObject();
      m.put("method", r.method());
      put(m, r.mean());
      ArrayNode seeds = m.putArray("seeds");
      for (SeedResult s : r.seeds()) {
        ObjectNode o = seeds.addObject();
        o.put("seed", s.seed());
        put(o, s);
      }
    }
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root)
          + System.lineSeparator();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void put(ObjectNode o, SeedResult s) {
    o.put("base_acc", 100 * s.baseAcc());
    o.put("new_acc", 100 * s.newAcc());
    o.put("h", 100 * s.h());
    o.put("base_ece", 100 * s.baseEce());
    o.put("new_ece", 100 * s.newEce());
    o.put("base_ace", 100 * s.baseAce());
    o.put("new_ace", 100 * s.newAce());
    o.put("base_mce", 100 * s.baseMce());
    o.put("new_mce", 100 * s.newMce());
  }

  static String markdown(List<MethodResult> results) {
    StringWriter w = new StringWriter();
    PrintWriter p = new PrintWriter(w);
    p.println(
        "| method | base acc | new acc | H | base ECE | new ECE | base ACE | new ACE | base MCE | new MCE |");
    p.println("|---|---|---|---|---|---|---|---|---|---|");
    for (MethodResult r : results) {
      SeedResult s = r.mean();
      double[] v = {
        s.baseAcc(),
        s.newAcc(),
        s.h(),
        s.baseEce(),
        s.newEce(),
        s.baseAce(),
        s.newAce(),
        s.baseMce(),
        s.newMce()
      };
      StringBuilder line = new StringBuilder("| " + r.method() + " |");
      Arrays.stream(v).forEach(x -> line.append(String.format(Locale.ROOT, " %.2f |", 100 * x)));
      p.println(line);
    }
    p.println();
    p.printf(
        "Mean of %d seed(s); percent; MCE unweighted (textbook).%n",
        results.isEmpty() ? 0 : results.get(0).seeds().size());
    p.flush();
    return w.toString();
  }
}
