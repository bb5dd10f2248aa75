package io.calmon.clip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.calmon.clip.image.ImageRejectedException.Reason;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {

  /** Bounds a test that would hang without the fix; a passing one takes milliseconds. */
  private static final Duration HANG = Duration.ofSeconds(30);

  @TempDir Path dir;

  private ImageLoader loader(long maxBytes, Path... roots) {
    return new ImageLoader(
        16, new ImageLimits(ImagePreprocessor.DEFAULT_MAX_PIXELS, maxBytes, List.of(roots)));
  }

  @Test
  void shouldReadInlineBytesAndAClaimCheckUnderAnAllowedRoot() throws IOException {
    byte[] png = ImagePreprocessorTest.png(new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB));
    Path file = Files.write(dir.resolve("a.png"), png);
    ImageLoader loader = loader(1 << 20, dir);
    float[] inline = loader.pixels("event 1", ByteBuffer.wrap(png), null);
    float[] claimed = loader.pixels("event 2", null, file.toUri().toString());
    assertEquals(3 * 16 * 16, inline.length);
    assertEquals(List.of(inline.length), List.of(claimed.length));
  }

  @Test
  void shouldRefuseEveryClaimCheckWhenNoRootIsAllowed() throws IOException {
    Path file = Files.write(dir.resolve("a.png"), new byte[] {1});
    ImageRejectedException e =
        assertThrows(
            ImageRejectedException.class,
            () -> loader(1 << 20).pixels("event 1", null, file.toUri().toString()));
    assertEquals(Reason.URI_NOT_ALLOWED, e.reason());
    assertTrue(e.getMessage().contains("claim checks are off"), e::getMessage);
  }

  @Test
  void shouldRefuseAClaimCheckOutsideTheRootsAlsoThroughDotDotOrALink() throws IOException {
    Path root = Files.createDirectory(dir.resolve("root"));
    Path secret = Files.write(dir.resolve("secret.png"), new byte[] {1});
    Path link = Files.createSymbolicLink(root.resolve("link.png"), secret);
    ImageLoader loader = loader(1 << 20, root);
    for (String uri :
        List.of(
            secret.toUri().toString(), root.toUri() + "../secret.png", link.toUri().toString())) {
      ImageRejectedException e =
          assertThrows(ImageRejectedException.class, () -> loader.pixels("event 1", null, uri));
      assertEquals(Reason.URI_NOT_ALLOWED, e.reason(), uri);
    }
  }

  @Test
  void shouldRefuseAFifoWithoutOpeningIt() throws Exception {
    Path fifo = dir.resolve("fifo.png");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mkfifo.waitFor() == 0, "mkfifo is available");
    ImageRejectedException e = refusedInTime(loader(1 << 20, dir), fifo.toUri().toString());
    assertEquals(Reason.UNREADABLE_URI, e.reason());
    assertTrue(e.getMessage().contains("not a regular file"), e::getMessage);
  }

  @Test
  void shouldRefuseDevZeroWithoutReadingIt() {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero), "/dev/zero exists");
    ImageRejectedException e = refusedInTime(loader(1 << 20, zero.getParent()), "file:///dev/zero");
    assertEquals(Reason.UNREADABLE_URI, e.reason());
  }

  @Test
  void shouldRefuseImagesOverTheByteLimitInlineOrOnDisk() throws IOException {
    Path file = Files.write(dir.resolve("big.png"), new byte[101]);
    ImageLoader loader = loader(100, dir);
    assertEquals(
        Reason.IMAGE_TOO_LARGE,
        assertThrows(
                ImageRejectedException.class,
                () -> loader.pixels("event 1", null, file.toUri().toString()))
            .reason());
    assertEquals(
        Reason.IMAGE_TOO_LARGE,
        assertThrows(
                ImageRejectedException.class,
                () -> loader.pixels("event 2", ByteBuffer.wrap(new byte[101]), null))
            .reason());
  }

  @Test
  void shouldNameEachRefusalInASentenceWithoutJavaClassNames() throws IOException {
    Path dirAsFile = Files.createDirectory(dir.resolve("sub"));
    ImageLoader loader = loader(1 << 20, dir);
    List<Object[]> cases =
        List.of(
            new Object[] {Reason.INVALID_EVENT, null, null},
            new Object[] {Reason.INVALID_EVENT, ByteBuffer.wrap(new byte[1]), "file:///x"},
            new Object[] {Reason.UNSUPPORTED_URI, null, "http://example.com/a.png"},
            new Object[] {Reason.UNREADABLE_URI, null, "file://host/a.png"},
            new Object[] {Reason.UNREADABLE_URI, null, dir.resolve("nope.png").toUri().toString()},
            new Object[] {Reason.UNREADABLE_URI, null, dirAsFile.toUri().toString()},
            new Object[] {Reason.CORRUPT_IMAGE, ByteBuffer.wrap(new byte[] {1, 2, 3}), null},
            new Object[] {Reason.CORRUPT_IMAGE, ByteBuffer.wrap(truncatedPng()), null});
    for (Object[] c : cases) {
      ImageRejectedException e =
          assertThrows(
              ImageRejectedException.class,
              () -> loader.pixels("event 7", (ByteBuffer) c[1], (String) c[2]));
      assertEquals(c[0], e.reason(), e.getMessage());
      assertTrue(e.getMessage().startsWith("event 7"), e::getMessage);
      assertFalse(e.getMessage().matches(".*\\b(java|javax)\\.[a-z]+\\..*"), e::getMessage);
      assertFalse(e.getMessage().contains("Exception"), e::getMessage);
    }
  }

  @Test
  void shouldRetryAClaimCheckThatFailsWithATransientIoErrorAndRefuseOneThatKeepsFailing()
      throws IOException {
    byte[] png = ImagePreprocessorTest.png(new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB));
    String uri = Files.write(dir.resolve("nfs.png"), png).toUri().toString();
    ImageLimits limits =
        new ImageLimits(ImagePreprocessor.DEFAULT_MAX_PIXELS, 1 << 20, List.of(dir));
    AtomicInteger opened = new AtomicInteger();
    // A file system that fails the first read (a stale handle) and then recovers.
    ImageLoader.FileOpener flaky =
        file -> {
          if (opened.incrementAndGet() == 1) {
            throw new IOException("Stale file handle");
          }
          return Files.newInputStream(file);
        };
    float[] pixels = new ImageLoader(16, limits, flaky).pixels("event 1", null, uri);
    assertEquals(3 * 16 * 16, pixels.length);
    assertEquals(2, opened.get(), "read again after the transient error");

    opened.set(0);
    ImageLoader.FileOpener broken =
        file -> {
          opened.incrementAndGet();
          throw new IOException("Input/output error");
        };
    ImageRejectedException e =
        assertThrows(
            ImageRejectedException.class,
            () -> new ImageLoader(16, limits, broken).pixels("event 2", null, uri));
    assertEquals(Reason.UNREADABLE_URI, e.reason());
    assertEquals(ImageLoader.READ_ATTEMPTS, opened.get());
    assertTrue(e.getMessage().contains("3 attempts"), e::getMessage);

    opened.set(0);
    ImageLoader.FileOpener gone =
        file -> {
          opened.incrementAndGet();
          throw new java.nio.file.NoSuchFileException(file.toString());
        };
    assertThrows(
        ImageRejectedException.class,
        () -> new ImageLoader(16, limits, gone).pixels("event 3", null, uri));
    assertEquals(1, opened.get(), "a missing file is refused at once, not retried");
  }

  /** The refusal of {@code uri}, failing (not hanging) if reading it would never end. */
  private static ImageRejectedException refusedInTime(ImageLoader loader, String uri) {
    return assertTimeoutPreemptively(
        HANG,
        () ->
            assertThrows(ImageRejectedException.class, () -> loader.pixels("event 1", null, uri)));
  }

  private static byte[] truncatedPng() throws IOException {
    BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    java.util.Random random = new java.util.Random(4);
    for (int i = 0; i < 64 * 64; i++) {
      image.setRGB(i % 64, i / 64, random.nextInt(0x1000000));
    }
    byte[] png = ImagePreprocessorTest.png(image);
    return java.util.Arrays.copyOf(png, png.length / 2);
  }
}
