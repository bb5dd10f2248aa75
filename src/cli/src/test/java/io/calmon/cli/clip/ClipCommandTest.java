package io.calmon.cli.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calmon.cli.Calmon;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code calmon clip ...} through the real command line, on the golden tiny model. */
class ClipCommandTest {

  /** The tiny model committed with the clip module's golden fixture. */
  private static final String MODEL =
      Path.of("..", "clip", "src", "test", "resources", "golden", "tiny").toString();

  @TempDir Path tmp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path cat;
  private Path dog;

  @BeforeEach
  void images() throws IOException {
    cat = image("cat.png", 40, 32, 1);
    dog = image("dog.png", 32, 32, 2);
  }

  @Test
  void shouldPrintOneJsonObjectPerImageInOrder() throws IOException {
    int code =
        run(
            "clip",
            "zero-shot",
            "--model",
            MODEL,
            "--classes",
            "cat, dog ,car",
            "--image",
            cat.toString(),
            "--image",
            dog.toString());
    assertEquals(0, code, err::toString);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertEquals(2, json.size());
    assertEquals(cat.toString(), json.get(0).get("image").asText());
    assertEquals(dog.toString(), json.get(1).get("image").asText());
    for (JsonNode row : json) {
      JsonNode probs = row.get("probabilities");
      assertEquals(3, probs.size());
      double sum =
          probs.get("cat").asDouble() + probs.get("dog").asDouble() + probs.get("car").asDouble();
      assertEquals(1.0, sum, 1e-5);
      String predicted = row.get("predicted").asText();
      assertEquals(probs.get(predicted).asDouble(), row.get("confidence").asDouble(), 1e-7);
      for (String c : new String[] {"cat", "dog", "car"}) {
        assertTrue(probs.get(c).asDouble() <= row.get("confidence").asDouble());
      }
    }
  }

  @Test
  void shouldPrintTextWhenAsked() {
    int code =
        run(
            "clip",
            "zero-shot",
            "--model",
            MODEL,
            "--classes",
            "cat,dog",
            "--template",
            "a {} .",
            "--image",
            cat.toString(),
            "--format",
            "text");
    assertEquals(0, code, err::toString);
    assertTrue(out.toString().startsWith(cat + ": "), out::toString);
  }

  @Test
  void shouldPrintArchitectureAndParameterCount() {
    assertEquals(0, run("clip", "info", "--model", MODEL), err::toString);
    assertTrue(out.toString().contains("parameters: 61,185"), out::toString);
    assertTrue(out.toString().contains("patch 8"), out::toString);
  }

  @Test
  void shouldWriteARandomModelOfARealArchitectureThatLoads() {
    Path dir = tmp.resolve("vit-b32");
    assertEquals(
        0,
        run("clip", "random", "--out", dir.toString(), "--tokenizer-from", MODEL),
        err::toString);
    assertTrue(
        out.toString().startsWith("wrote " + dir + ": vit-b32 with random weights (seed 1)"));
    out.getBuffer().setLength(0);
    assertEquals(0, run("clip", "info", "--model", dir.toString()), err::toString);
    assertTrue(out.toString().contains("ViT 224 px, patch 32 (50 tokens), width 768, 12 layers"));
    assertTrue(out.toString().contains("tokenizer:  tokenizer.json"), out::toString);
    assertUserError("already exists", "clip", "random", "--out", dir.toString());
  }

  @Test
  void shouldRefuseAnUnknownArchitectureNamingTheOption() {
    assertEquals(
        Calmon.USER_ERROR,
        run("clip", "random", "--architecture", "resnet50", "--out", tmp.resolve("x").toString()));
    assertEquals(
        "calmon: Invalid value for option '--architecture': expected vit-b32 or vit-b16, got"
            + " 'resnet50'",
        err.toString().lines().findFirst().orElseThrow());
  }

  @Test
  void shouldExitTwoWithOneLineForAMissingModelDirectory() {
    assertUserError(
        "--model " + tmp.resolve("none") + ": no such directory",
        "clip",
        "info",
        "--model",
        tmp.resolve("none").toString());
  }

  @Test
  void shouldExitTwoWithOneLineForAMissingImage() {
    assertUserError(
        "does not exist",
        "clip",
        "zero-shot",
        "--model",
        MODEL,
        "--classes",
        "cat",
        "--image",
        tmp.resolve("none.png").toString());
  }

  @Test
  void shouldExitTwoWithOneLineForAnUnreadableImage() throws IOException {
    Path junk = Files.write(tmp.resolve("junk.png"), new byte[] {1, 2, 3, 4, 5});
    assertUserError(
        "junk.png",
        "clip",
        "zero-shot",
        "--model",
        MODEL,
        "--classes",
        "cat",
        "--image",
        junk.toString());
  }

  @Test
  void shouldExitTwoWithOneLineForAnEmptyClassList() {
    assertUserError(
        "--classes is empty",
        "clip",
        "zero-shot",
        "--model",
        MODEL,
        "--classes",
        " , ",
        "--image",
        cat.toString());
  }

  @Test
  void shouldExitTwoWithOneLineForAClassNameLongerThanTheContext() {
    assertUserError(
        "context length",
        "clip",
        "zero-shot",
        "--model",
        MODEL,
        "--classes",
        "cat," + "big ".repeat(20) + "dog",
        "--image",
        cat.toString());
  }

  private void assertUserError(String fragment, String... args) {
    assertEquals(Calmon.USER_ERROR, run(args));
    String message = err.toString().strip();
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.startsWith("calmon: ") && message.contains(fragment), message);
  }

  private int run(String... args) {
    CommandLine cli = Calmon.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path image(String name, int w, int h, long seed) throws IOException {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    Path file = tmp.resolve(name);
    ImageIO.write(image, "png", file.toFile());
    return file;
  }
}
