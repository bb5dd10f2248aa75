package io.calmon.cli.demo;

/** The three stretches of the demo scenario that the summary compares. */
enum DemoPhase {
  BEFORE_DRIFT("before_drift", "before drift"),
  DURING_DRIFT("during_drift", "during drift"),
  AFTER_RETRAIN("after_retrain", "after retrain");

  private final String key;
  private final String title;

  DemoPhase(String key, String title) {
    this.key = key;
    this.title = title;
  }

  /** The key in the summary JSON. */
  String key() {
    return key;
  }

  String title() {
    return title;
  }
}
