package io.calmon.tuning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A tuning method: a host loss (CoOp's cross-entropy, KgCoOp's cross-entropy plus its penalty)
 * optionally plus DOR, the plug-in outlier term; or {@code zeroshot}, no tuning at all. Named as in
 * the paper: {@code zeroshot}, {@code coop}, {@code kgcoop}, {@code coop+dor}, {@code kgcoop+dor}.
 *
 * <p>A new host (CoCoOp, MaPLe) is a {@link HostLoss} registered in {@link #HOSTS}; hosts whose
 * text features depend on the image (CoCoOp's meta-net) also need their own prompt learner.
 *
 * @param name the method's name as parsed
 * @param host the host's name, or null for zero-shot
 * @param dor whether DOR is added
 */
public record TuningMethod(String name, String host, boolean dor) {

  /** Host losses by name, each made from the run's configuration. */
  static final Map<String, Function<TuningConfig, HostLoss>> HOSTS = new LinkedHashMap<>();

  static {
    HOSTS.put("coop", c -> new CoOpLoss());
    HOSTS.put("kgcoop", c -> new KgCoOpLoss(c.kgcoopWeight()));
  }

  public static final TuningMethod ZEROSHOT = new TuningMethod("zeroshot", null, false);

  /**
   * Parses a method name ({@code host} or {@code host+dor}, or {@code zeroshot}).
   *
   * @throws IllegalArgumentException naming the known methods
   */
  public static TuningMethod parse(String text) {
    String name = text.trim().toLowerCase(Locale.ROOT);
    if (name.equals(ZEROSHOT.name())) {
      return ZEROSHOT;
    }
    boolean dor = name.endsWith("+dor");
    String host = dor ? name.substring(0, name.length() - "+dor".length()) : name;
    if (!HOSTS.containsKey(host)) {
      throw new IllegalArgumentException(
          "unknown method '" + text + "': known methods are " + String.join(", ", known()));
    }
    return new TuningMethod(name, host, dor);
  }

  /** Every method name {@link #parse} accepts. */
  public static List<String> known() {
    List<String> out = new java.util.ArrayList<>();
    out.add(ZEROSHOT.name());
    for (String h : HOSTS.keySet()) {
      out.add(h);
    }
    for (String h : HOSTS.keySet()) {
      out.add(h + "+dor");
    }
    return out;
  }

  /** Whether the method learns a context at all. */
  public boolean tunes() {
    return host != null;
  }

  /** The paper's DOR weight: 8 with CoOp, 2 with other hosts. */
  public double defaultLambda() {
    return "coop".equals(host) ? 8.0 : 2.0;
  }

  /** The host loss, made for {@code config}. */
  public HostLoss hostLoss(TuningConfig config) {
    if (!tunes()) {
      throw new IllegalStateException("zeroshot has no loss");
    }
    return HOSTS.get(host).apply(config);
  }

  @Override
  public String toString() {
    return name;
  }
}
