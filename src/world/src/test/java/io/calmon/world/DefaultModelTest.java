package io.calmon.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultModelTest {
  @TempDir Path dir;

  private Path fakeModel(Path root) throws Exception {
    Path model = root.resolve(DefaultModel.RELATIVE);
    Files.createDirectories(model);
    Files.writeString(model.resolve("config.json"), "{}");
    return model;
  }

  @Test
  void shouldPreferTheExplicitModelDirectory() throws Exception {
    Path model = fakeModel(dir.resolve("a"));
    Path other = fakeModel(dir.resolve("b"));
    assertEquals(model, DefaultModel.resolve(model.toString(), other.toString(), other));
  }

  @Test
  void shouldResolveUnderCalmonHome() throws Exception {
    Path model = fakeModel(dir);
    assertEquals(model, DefaultModel.resolve(null, dir.toString(), Path.of("/")));
  }

  @Test
  void shouldWalkUpFromTheWorkingDirectory() throws Exception {
    Path model = fakeModel(dir);
    Path deep = Files.createDirectories(dir.resolve("x/y/z"));
    assertEquals(model, DefaultModel.resolve(null, null, deep));
  }

  @Test
  void shouldNameWhatWasTriedWhenNoModelIsFound() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> DefaultModel.resolve(null, null, dir));
    assertTrue(e.getMessage().contains("calmon.model.dir"), e.getMessage());
    IllegalStateException home =
        assertThrows(
            IllegalStateException.class, () -> DefaultModel.resolve(null, dir.toString(), dir));
    assertTrue(home.getMessage().contains("config.json is missing"), home.getMessage());
  }

  @Test
  void shouldFindTheShippedModelFromTheModuleDirectory() {
    // Surefire runs in src/world: walking up reaches the repository root.
    Path found = DefaultModel.resolve(null, null, Path.of("").toAbsolutePath());
    assertTrue(Files.isRegularFile(found.resolve("model.safetensors")), found.toString());
  }
}
