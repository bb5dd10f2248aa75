package io.calmon.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version Maven wrote into the jar manifest. */
final class CalmonVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Calmon.class.getPackage().getImplementationVersion();
    return new String[] {"calmon " + (version == null ? "(development build)" : version)};
  }
}
