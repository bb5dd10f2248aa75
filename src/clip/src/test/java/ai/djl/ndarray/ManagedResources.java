package ai.djl.ndarray;

/**
 * Test-only window into DJL: how many resources (arrays, sub-managers) a manager holds. In DJL's
 * package because {@code BaseNDManager.resources} is protected; a leak shows as a count that grows
 * from step to step.
 */
public final class ManagedResources {

  private ManagedResources() {}

  public static int count(NDManager manager) {
    return ((BaseNDManager) manager).resources.size();
  }
}
