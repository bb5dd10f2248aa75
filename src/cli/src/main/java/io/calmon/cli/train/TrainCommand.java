package io.calmon.cli.train;

import io.calmon.cli.ClipModels;
import io.calmon.cli.UserError;
import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.tuning.FewShotFeatures;
import io.calmon.tuning.PromptTuner;
import io.calmon.tuning.TuningConfig;
import io.calmon.tuning.TuningProgress;
import io.calmon.tuning.TuningResult;
import io.calmon.tuning.data.DatasetException;
import io.calmon.tuning.data.FeatureCache;
import io.calmon.tuning.data.FewShotSampler;
import io.calmon.tuning.data.ImageDataset;
import io.calmon.tuning.outliers.OutlierPool;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon train}: one tuning run on a dataset's base classes, written as a PromptVersion. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Prompt-tunes on the base classes (first ceil(n/2) labels) and writes an Avro PromptVersion.")
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "CLIP model directory.")
  Path model;

  @Option(
      names = "--dataset",
      required = true,
      description = "Dataset directory (CoOp split or class folders).")
  Path dataset;

  @Option(names = "--image-root", description = "Where split paths resolve (default: guessed).")
  Path imageRoot;

  @Option(
      names = "--method",
      defaultValue = "coop+dor",
      description = "zeroshot, coop, kgcoop, coop+dor, kgcoop+dor (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(
      names = "--out",
      required = true,
      description = "PromptVersion file to write (Avro single-object).")
  Path out;

  @Option(
      names = "--shots",
      defaultValue = "16",
      description = "Shots per base class (default: 16).")
  int shots;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: 1).")
  long seed;

  @Option(names = "--outliers", description = "Outlier word list (default: WordNet nouns).")
  Path outliers;

  @Option(
      names = "--backbone-id",
      defaultValue = "clip",
      description = "Backbone name recorded in the version (default: the model directory name).")
  String backboneId;

  @Mixin TuningOptions tuning;

  @Override
  public Integer call() throws IOException {
    TuningConfig config = tuning.config(method, seed);
    if (shots < 1) {
      throw new UserError("--shots must be >= 1, got " + shots);
    }
    PrintWriter log = spec.commandLine().getOut();
    try (ClipModel clip = ClipModels.load(model)) {
      ImageDataset data = Models.dataset(dataset, imageRoot);
      int nBase = data.baseCount();
      List<String> base = data.classNames().subList(0, nBase);
      FeatureCache cache = new FeatureCache(clip);
      FewShotSampler.Shots drawn;
      try {
        drawn = FewShotSampler.draw(data, shots, seed);
      } catch (DatasetException e) {
        throw new UserError(e.getMessage(), e);
      }
      List<float[][]> train = new ArrayList<>();
      List<float[][]> val = new ArrayList<>();
      drawn.train().forEach(items -> train.add(cache.of(items)));
      drawn.val().forEach(items -> val.add(cache.of(items)));
      OutlierPool pool = null;
      if (config.method().dor()) {
        pool =
            outliers == null
                ? OutlierPool.fromWordNet(
                    clip,
                    base,
                    data.classNames(),
                    config.template(),
                    config.nCtx(),
                    tuning.poolSize)
                : OutlierPool.build(
                    clip,
                    Models.words(outliers),
                    new io.calmon.tuning.outliers.ClassNameFilter(data.classNames()),
                    base,
                    config.template(),
                    config.nCtx(),
                    tuning.poolSize);
        log.println("outlier pool: " + pool.stats());
      }
      String backbone =
          "clip".equals(backboneId) ? model.toAbsolutePath().getFileName().toString() : backboneId;
      TuningResult r =
          new PromptTuner(clip, backbone)
              .run(
                  new FewShotFeatures(base, train, val),
                  config,
                  pool,
                  TuningProgress.printingTo(log, config.method().name()));
      PromptVersion v =
          r.toPromptVersion("default", 1, backbone, clip.weightsSha256().orElse("unknown"));
      if (out.toAbsolutePath().getParent() != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
      }
      Files.write(out, AvroCodec.of(PromptVersion.class).encode(v));
      log.printf(
          "wrote %s: %s, %d base classes, metrics %s%n",
          out, v.getMethod(), base.size(), v.getMetrics());
    } catch (ClipException e) {
      throw new UserError(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    return 0;
  }
}
