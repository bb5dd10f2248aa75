package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.cli.acl.ServiceAcls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --kafka-config} refusals and {@code calmon acls}, without a broker. */
class SecurityCommandsTest {

  @Test
  void shouldRefuseAMissingKafkaConfigWithOneLineNamingTheFlagAndThePath(@TempDir Path dir) {
    Path missing = dir.resolve("client.properties");

    CliRun run = CliRun.run("topics", "list", "--kafka-config", missing.toString());

    assertEquals(2, run.exitCode);
    assertEquals("calmon: --kafka-config " + missing + ": no such file\n", run.err.toString());
  }

  @Test
  void shouldRefuseAKeyCalmonOwnsNamingTheKeyAndTheFile(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(dir.resolve("c.properties"), "isolation.level=read_uncommitted\n");

    CliRun run = CliRun.run("topics", "list", "--kafka-config", file.toString());

    assertEquals(2, run.exitCode);
    assertTrue(
        run.err.toString().startsWith("calmon: --kafka-config " + file + ": isolation.level "),
        run.err.toString());
    assertEquals(1, run.err.toString().lines().count());
  }

  @Test
  void shouldBlameTheKafkaConfigForAPropertyTheClientRefuses(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("c.properties"),
            "security.protocol=NOPE\nssl.truststore.password=tr-secret\n");

    CliRun run =
        CliRun.run(
            "topics",
            "list",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--connect-timeout",
            "2s",
            "--kafka-config",
            file.toString());

    String err = run.err.toString();
    assertEquals(2, run.exitCode, err);
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("calmon: --kafka-config " + file + ": "), err);
    assertTrue(err.contains("security.protocol"), err);
    assertTrue(!err.contains("tr-secret"), err);
  }

  @Test
  void shouldRefuseTheDemosMissingKafkaConfigForAnExistingCluster(@TempDir Path dir) {
    Path missing = dir.resolve("client.properties");

    CliRun run =
        CliRun.run(
            "demo", "--bootstrap-servers", "127.0.0.1:1", "--kafka-config", missing.toString());

    assertEquals(2, run.exitCode, run.err.toString());
    assertEquals("calmon: --kafka-config " + missing + ": no such file\n", run.err.toString());
  }

  @Test
  void shouldRefuseTheMonitorsMissingKafkaConfigNamingTheKeyAndThePath(@TempDir Path dir) {
    Path missing = dir.resolve("client.properties");

    CliRun run = CliRun.run("monitor", "--kafka-config", missing.toString());

    assertEquals(2, run.exitCode);
    assertEquals(
        "calmon: kafka-config: " + missing + ": no such file (from --kafka-config)\n",
        run.err.toString());
  }

  @Test
  void shouldPrintTheProducersAclsOneALine() {
    CliRun run =
        CliRun.run("acls", "--principal", "User:app", "--service", "producer", "--prefix", "p-");

    assertEquals(0, run.exitCode, run.err.toString());
    String[] lines = run.out.text().split("\n");
    assertEquals(2, lines.length, run.out.text());
    assertTrue(lines[0].matches("User:app WRITE +TOPIC +LITERAL +p-image-events +# .*"), lines[0]);
    assertTrue(lines[1].matches("User:app WRITE +TOPIC +LITERAL +p-labels +# .*"), lines[1]);
  }

  @Test
  void shouldRefuseAPrincipalWithoutItsType() {
    CliRun run = CliRun.run("acls", "--principal", "scorer", "--service", "scorer");

    assertEquals(2, run.exitCode);
    assertTrue(run.err.toString().startsWith("calmon: --principal must be TYPE:NAME"));
  }

  @Test
  void shouldListInSecurityMdExactlyTheAclsCalmonAclsGives() throws Exception {
    String doc = Files.readString(Path.of("../../docs/SECURITY.md"), StandardCharsets.UTF_8);

    assertTrue(
        doc.contains(ServiceAcls.markdown()),
        "docs/SECURITY.md must hold the tables of ServiceAcls.markdown():\n"
            + ServiceAcls.markdown());
  }
}
