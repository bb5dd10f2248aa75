package io.calmon.cli;

import io.calmon.schemas.signing.KeyFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon keys generate}: a key pair for signing prompt versions. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Keys that sign prompt versions (docs/SECURITY.md, \"Signed prompt versions\").",
    subcommands = {KeysCommand.Generate.class})
final class KeysCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = {
        "Write a new Ed25519 key pair: DIR/ID.key (private, PKCS#8 PEM, for the trainer's",
        "--signing-key; readable by its owner only) and DIR/ID.pub (public, X.509 PEM, for the",
        "scorers' --trusted-keys). Existing files are never replaced."
      })
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Directory to write the two files to (created if missing).")
    Path out;

    @Option(
        names = "--key-id",
        paramLabel = "ID",
        description =
            "The key's id, written into both files and into every version it signs: 1-64"
                + " letters, digits, '.', '_' or '-' (default: trainer-<today, UTC, yyyyMMdd>).")
    String keyId;

    @Override
    public Integer call() {
      String id =
          keyId != null
              ? keyId
              : "trainer-" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE);
      List<Path> files;
      try {
        files = KeyFiles.generate(out, id);
      } catch (IllegalArgumentException e) {
        throw new UserError("--key-id: " + e.getMessage(), e);
      } catch (FileAlreadyExistsException e) {
        throw new UserError("--out " + out + ": " + e.getFile() + " exists; not replaced", e);
      } catch (IOException e) {
        throw new UserError("--out " + out + ": cannot write the key files (" + e + ")", e);
      }
      spec.commandLine()
          .getOut()
          .println(
              "calmon: key "
                  + id
                  + ": private "
                  + files.get(0)
                  + " (calmon trainer --signing-key), public "
                  + files.get(1)
                  + " (calmon scorer --trusted-keys)");
      return 0;
    }
  }
}
