package io.calmon.cli.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calmon.cli.ClipModels;
import io.calmon.cli.UserError;
import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import io.calmon.clip.ZeroShotClassifier;
import io.calmon.clip.ZeroShotClassifier.Prediction;
import io.calmon.clip.image.ImagePreprocessor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon clip zero-shot}: classify images among given class names. */
@Command(
    name = "zero-shot",
    mixinStandardHelpOptions = true,
    description = "Zero-shot classify images: softmax over classes of exp(logit_scale) * cos.")
final class ZeroShotCommand implements Callable<Integer> {

  enum Format {
    json,
    text
  }

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Model directory.")
  Path model;

  @Option(
      names = "--classes",
      required = true,
      description = "Comma-separated class names, e.g. \"cat,dog,car\".")
  String classes;

  @Option(
      names = "--template",
      defaultValue = ZeroShotClassifier.DEFAULT_TEMPLATE,
      description =
          "Prompt template; {} is replaced by the class name (default: ${DEFAULT-VALUE}).")
  String template;

  @Option(
      names = "--image",
      required = true,
      description = "Image file (JPEG or PNG); repeat for several.")
  List<Path> images;

  @Option(
      names = "--format",
      defaultValue = "json",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() throws Exception {
    List<String> classNames =
        Arrays.stream(classes.split(",")).map(String::trim).collect(Collectors.toList());
    if (classNames.stream().allMatch(String::isEmpty)) {
      throw new UserError("--classes is empty; give comma-separated class names");
    }
    if (classNames.stream().anyMatch(String::isEmpty)) {
      throw new UserError("--classes has an empty class name: '" + classes + "'");
    }
    if (!template.contains("{}")) {
      throw new UserError("--template '" + template + "' lacks {} for the class name");
    }
    for (Path image : images) {
      if (!Files.isRegularFile(image)) {
        throw new UserError("image " + image + " does not exist");
      }
    }
    try (ClipModel clip = ClipModels.withTokenizer(ClipModels.load(model), model)) {
      ImagePreprocessor preprocessor = new ImagePreprocessor(clip.config().vision().imageSize());
      List<float[]> pixels = new ArrayList<>();
      for (Path image : images) {
        try {
          pixels.add(preprocessor.preprocess(image));
        } catch (ClipException e) {
          throw new UserError("cannot use image " + e.getMessage(), e);
        }
      }
      List<Prediction> predictions;
      try {
        predictions = new ZeroShotClassifier(clip, classNames, template).classify(pixels);
      } catch (ClipException | IllegalArgumentException e) {
        throw new UserError(e.getMessage(), e);
      }
      print(predictions);
    }
    return 0;
  }

  private void print(List<Prediction> predictions) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.json) {
      ObjectMapper json = new ObjectMapper();
      ArrayNode list = json.createArrayNode();
      for (int i = 0; i < predictions.size(); i++) {
        Prediction p = predictions.get(i);
        ObjectNode row = list.addObject();
        row.put("image", images.get(i).toString());
        ObjectNode probs = row.putObject("probabilities");
        p.probabilities().forEach(probs::put);
        row.put("predicted", p.predicted());
        row.put("confidence", p.confidence());
      }
      out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(list));
    } else {
      for (int i = 0; i < predictions.size(); i++) {
        Prediction p = predictions.get(i);
        out.printf("%s: %s (%.4f)%n", images.get(i), p.predicted(), p.confidence());
        for (Map.Entry<String, Float> e : p.probabilities().entrySet()) {
          out.printf("  %-20s %.4f%n", e.getKey(), e.getValue());
        }
      }
    }
    out.flush();
  }
}
