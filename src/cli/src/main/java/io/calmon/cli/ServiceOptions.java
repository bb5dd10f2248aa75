package io.calmon.cli;

import io.calmon.service.ConfigException;
import io.calmon.service.LayeredConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line of a service: one option per configuration key, made from the service's own
 * definitions (so a key, its flag, its help and its default are written once), plus {@code --config
 * FILE}. {@link #settings} layers them the one way every service reads its settings: code defaults,
 * then the properties file ({@code --config}, else {@code $CALMON_CONFIG}), then {@code CALMON_*}
 * environment variables, then the flags given.
 *
 * <p>A service command names its definitions in a subclass with a no-argument constructor and
 * points {@code @Command(modelTransformer = ...)} at it.
 */
abstract class ServiceOptions implements IModelTransformer {

  static final String CONFIG = "--config";

  private final Supplier<LayeredConfig.Builder> definitions;

  ServiceOptions(Supplier<LayeredConfig.Builder> definitions) {
    this.definitions = definitions;
  }

  @Override
  public CommandSpec transform(CommandSpec spec) {
    spec.addOption(
        OptionSpec.builder(CONFIG)
            .paramLabel("FILE")
            .type(Path.class)
            .description(
                "Properties file of settings, keyed by these flags' names without dashes"
                    + " (default: $"
                    + LayeredConfig.CONFIG_ENV
                    + ", else none). Precedence: flags, then CALMON_* variables, then the file,"
                    + " then defaults.")
            .build());
    for (LayeredConfig.Definition d : definitions.get().definitions()) {
      OptionSpec.Builder option =
          OptionSpec.builder("--" + d.key()).type(String.class).description(help(d));
      if (d.isSwitch()) {
        option.arity("0..1").fallbackValue("true").paramLabel("true|false");
      } else {
        option.paramLabel(d.label());
      }
      spec.addOption(option.build());
    }
    return spec;
  }

  private static String help(LayeredConfig.Definition d) {
    String variable = "$" + LayeredConfig.environmentVariable(d.key());
    String fallback =
        d.defaultValue() == null
            ? "none"
            : d.defaultValue().isEmpty() ? "empty" : d.defaultValue().replace("%", "%%");
    return capitalised(d.doc().replace("%", "%%"))
        + " ("
        + variable
        + "; default: "
        + fallback
        + ").";
  }

  private static String capitalised(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  /**
   * The settings of the command {@code spec} parsed, layered and checked.
   *
   * @throws UserError naming the key, the rule, the value and where it came from
   */
  static <T> T settings(
      CommandSpec spec, LayeredConfig.Builder definitions, Function<LayeredConfig, T> read) {
    try {
      return read.apply(layered(spec.commandLine().getParseResult(), definitions, System.getenv()));
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  /** The layers of one parsed command line. */
  static LayeredConfig layered(
      ParseResult parsed, LayeredConfig.Builder definitions, Map<String, String> environment) {
    Path file = parsed.matchedOptionValue(CONFIG, (Path) null);
    if (file == null) {
      String named = environment.get(LayeredConfig.CONFIG_ENV);
      file = named == null || named.isBlank() ? null : Path.of(named.trim());
    }
    definitions.file(file).environment(environment);
    for (OptionSpec option : parsed.matchedOptions()) {
      String name = option.longestName();
      if (name.equals(CONFIG) || option.usageHelp() || option.versionHelp()) {
        continue;
      }
      List<String> values = option.stringValues();
      definitions.flag(name.substring(2), values.isEmpty() ? "true" : String.join(",", values));
    }
    return definitions.build();
  }
}
