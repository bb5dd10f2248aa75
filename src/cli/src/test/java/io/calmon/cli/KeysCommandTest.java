package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.signing.PromptCheck;
import io.calmon.schemas.signing.SigningKey;
import io.calmon.schemas.signing.TrustedKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code calmon keys generate}: a pair the trainer signs with and scorers check against. */
class KeysCommandTest {

  @TempDir Path dir;

  @Test
  void shouldWriteAKeyPairThatSignsAndVerifies() throws Exception {
    CliRun run = CliRun.run("keys", "generate", "--out", dir.toString(), "--key-id", "trainer-a");
    assertEquals(0, run.exitCode, run.err.toString());
    assertTrue(run.out.text().startsWith("calmon: key trainer-a: private "), run.out.text());
    Path privateKey = dir.resolve("trainer-a.key");
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)));

    PromptVersion signed = SigningKey.read(privateKey).sign(version());
    assertEquals("trainer-a", signed.getSigningKeyId());
    assertEquals(PromptCheck.SIGNED, TrustedKeys.read(dir).check(signed));
    assertEquals(PromptCheck.SIGNED, TrustedKeys.read(dir.resolve("trainer-a.pub")).check(signed));
  }

  @Test
  void shouldNeverReplaceAKeyAndRefuseABadKeyId() {
    assertEquals(
        0, CliRun.run("keys", "generate", "--out", dir.toString(), "--key-id", "k").exitCode);
    CliRun again = CliRun.run("keys", "generate", "--out", dir.toString(), "--key-id", "k");
    assertEquals(Calmon.USER_ERROR, again.exitCode);
    assertEquals(
        "calmon: --out " + dir + ": " + dir.resolve("k.key") + " exists; not replaced",
        again.err.toString().strip());
    CliRun bad = CliRun.run("keys", "generate", "--out", dir.toString(), "--key-id", "a b");
    assertEquals(Calmon.USER_ERROR, bad.exitCode);
    assertTrue(
        bad.err.toString().startsWith("calmon: --key-id: key id must be"), bad.err.toString());
  }

  private static PromptVersion version() {
    return PromptVersion.newBuilder()
        .setDeployment("default")
        .setVersion(1)
        .setCreatedAt(Instant.now())
        .setMethod("coop")
        .setBackboneId("tiny")
        .setWeightsSha256("ab".repeat(32))
        .setTemplate("a photo of a {}.")
        .setNCtx(1)
        .setCtxDim(2)
        .setContextVectors(List.of(0.5f, -0.5f))
        .setBaseClasses(List.of("cat"))
        .build();
  }
}
