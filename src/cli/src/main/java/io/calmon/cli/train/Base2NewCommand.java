package io.calmon.cli.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calmon.cli.ClipModels;
import io.calmon.cli.UserError;
import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import io.calmon.core.prompt.TextFeatureShift;
import io.calmon.tuning.TuningConfig;
import io.calmon.tuning.TuningMethod;
import io.calmon.tuning.data.ImageDataset;
import io.calmon.tuning.eval.Base2NewEvaluation;
import io.calmon.tuning.eval.Base2NewEvaluation.MethodResult;
import io.calmon.tuning.eval.Base2NewEvaluation.SeedResult;
import io.calmon.tuning.eval.ReliabilityPng;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  @Option(
      names = "--reliability-dir",
      paramLabel = "DIR",
      description =
          "Also write DIR/<method>.png: base and new reliability diagrams, pooled over seeds"
              + " (created if missing).")
  Path reliabilityDir;

  @Option(
      names = "--logit-scale",
      paramLabel = "S",
      description =
          "Replace the model's logit scale by S (e.g. CLIP's 100) for every method, zero-shot"
              + " included (default: the model's own).")
  Double logitScale;

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
    if (logitScale != null && !(logitScale > 0 && Double.isFinite(logitScale))) {
      throw new UserError("--logit-scale must be a positive number, got " + logitScale);
    }
    TuningConfig config = tuning.config(ms.get(0).name(), ss.get(0));
    if (reliabilityDir != null) {
      // Before the (long) evaluation, so that a bad directory costs nothing.
      prepare(reliabilityDir);
    }
    PrintWriter out = spec.commandLine().getOut();
    // Progress goes to stderr so that stdout is the table or the JSON alone.
    PrintWriter log = spec.commandLine().getErr();
    List<MethodResult> results;
    try (ClipModel clip = ClipModels.load(model)) {
      if (logitScale != null) {
        log.printf(
            Locale.ROOT,
            "logit scale %.2f replaced by %.2f%n",
            Math.exp(clip.logitScale()),
            logitScale);
        clip.setLogitScale((float) Math.log(logitScale));
      }
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
    if (reliabilityDir != null) {
      writeDiagrams(reliabilityDir, results, config.bins(), log);
    }
    return 0;
  }

  /** Creates {@code dir} if needed and checks that it is a writable directory. */
  static void prepare(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UserError("--reliability-dir " + dir + ": " + reason(e, dir), e);
    }
    if (!Files.isWritable(dir)) {
      throw new UserError("--reliability-dir " + dir + ": not writable");
    }
  }

  /** One PNG per method: base and new panels over every seed's test predictions. */
  static void writeDiagrams(Path dir, List<MethodResult> results, int bins, PrintWriter log) {
    for (MethodResult r : results) {
      Path file = dir.resolve(ReliabilityPng.fileName(r.method()));
      int n = r.seeds().size();
      String header =
          String.format(Locale.ROOT, "%s, %d seed%s pooled", r.method(), n, n == 1 ? "" : "s");
      try {
        ReliabilityPng.write(
            file,
            header,
            List.of(
                new ReliabilityPng.Panel("base", r.baseRows()),
                new ReliabilityPng.Panel("new", r.newRows())),
            bins);
      } catch (IOException e) {
        throw new UserError("--reliability-dir: cannot write " + file + ": " + reason(e, file), e);
      }
      log.printf("wrote %s%n", file);
    }
    log.flush();
  }

  /** Why {@code target} could not be created or written, naming another path only if at fault. */
  private static String reason(IOException e, Path target) {
    String file = e instanceof FileSystemException f ? f.getFile() : null;
    String where = file == null || file.equals(target.toString()) ? "" : file + ": ";
    if (e instanceof FileAlreadyExistsException) {
      return where + "exists and is not a directory";
    }
    if (e instanceof AccessDeniedException) {
      return where + "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return where + f.getReason();
    }
    return where + e.getMessage();
  }

  static String json(List<MethodResult> results) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    ArrayNode arr = root.putArray("methods");
    for (MethodResult r : results) {
      ObjectNode m = arr.addObject();
      m.put("method", r.method());
      put(m, r.mean());
      put(m.putObject("std"), r.std());
      ArrayNode seeds = m.putArray("seeds");
      for (int i = 0; i < r.seeds().size(); i++) {
        SeedResult s = r.seeds().get(i);
        ObjectNode o = seeds.addObject();
        o.put("seed", s.seed());
        put(o, s);
        if (i < r.shifts().size()) {
          put(o, "base", r.shifts().get(i).base());
          put(o, "new", r.shifts().get(i).fresh());
        }
        if (i < r.lifts().size()) {
          o.put("base_confidence_lift", r.lifts().get(i).base().lift());
          o.put("new_confidence_lift", r.lifts().get(i).fresh().lift());
          o.put("base_zero_shot_accuracy_estimate", r.lifts().get(i).base().zeroShotAccuracy());
          o.put("new_zero_shot_accuracy_estimate", r.lifts().get(i).fresh().zeroShotAccuracy());
        }
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

  private static void put(ObjectNode o, String group, TextFeatureShift shift) {
    o.put(group + "_divergence", shift.divergence());
    o.put(group + "_zero_shot_divergence", shift.zeroShotDivergence());
    o.put(group + "_divergence_ratio", shift.divergenceRatio());
    o.put(group + "_deviation", shift.deviation());
    o.put(group + "_separation", shift.separation());
    o.put(group + "_zero_shot_separation", shift.zeroShotSeparation());
    o.put(group + "_separation_ratio", shift.separationRatio());
  }

  static String markdown(List<MethodResult> results) {
    int nSeeds = results.isEmpty() ? 0 : results.get(0).seeds().size();
    StringWriter w = new StringWriter();
    PrintWriter p = new PrintWriter(w);
    p.println(
        "| method | base acc | new acc | H | base ECE | new ECE | base ACE | new ACE | base MCE | new MCE |");
    p.println("|---|---|---|---|---|---|---|---|---|---|");
    for (MethodResult r : results) {
      double[] mean = figures(r.mean());
      double[] std = figures(r.std());
      StringBuilder line = new StringBuilder("| " + r.method() + " |");
      for (int i = 0; i < mean.length; i++) {
        line.append(String.format(Locale.ROOT, " %.2f", 100 * mean[i]));
        if (r.seeds().size() > 1) {
          line.append(String.format(Locale.ROOT, " ± %.2f", 100 * std[i]));
        }
        line.append(" |");
      }
      p.println(line);
    }
    p.println();
    p.printf(
        "%s %d seed(s); percent; MCE unweighted (textbook).%n",
        nSeeds > 1 ? "Mean ± sample standard deviation (n - 1) over" : "One run of", nSeeds);
    if (results.stream().anyMatch(r -> !r.shifts().isEmpty())) {
      p.println();
      p.println(
          "| method | base divergence ratio | new divergence ratio | base deviation | new"
              + " deviation |");
      p.println("|---|---|---|---|---|");
      for (MethodResult r : results) {
        p.printf(
            Locale.ROOT,
            "| %s | %.3f | %.3f | %.4f | %.4f |%n",
            r.method(),
            r.shifts().stream().mapToDouble(s -> s.base().divergenceRatio()).average().orElse(0),
            r.shifts().stream().mapToDouble(s -> s.fresh().divergenceRatio()).average().orElse(0),
            r.shifts().stream().mapToDouble(s -> s.base().deviation()).average().orElse(0),
            r.shifts().stream().mapToDouble(s -> s.fresh().deviation()).average().orElse(0));
      }
      p.println();
      p.println(
          "Text features of the class names (no image, no label): divergence ratio = mean pairwise"
              + " cosine distance of the tuned features over the zero-shot ones; deviation = mean"
              + " cosine distance of each class's tuned feature from its zero-shot one. Means over"
              + " seeds.");
    }
    p.flush();
    return w.toString();
  }

  private static double[] figures(SeedResult s) {
    return new double[] {
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
  }
}
