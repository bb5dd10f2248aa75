package io.calmon.clip.nn;

import ai.djl.ndarray.NDArray;
import io.calmon.clip.ModelFormatException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The MLP activation, named as Hugging Face's {@code hidden_act}. */
public enum Activation {
  /** OpenAI CLIP's {@code x * sigmoid(1.702 x)}. */
  QUICK_GELU("quick_gelu"),
  /** The exact (erf) GELU. */
  GELU("gelu");

  private final String hfName;

  Activation(String hfName) {
    this.hfName = hfName;
  }

  /** The Hugging Face {@code hidden_act} value. */
  public String hfName() {
    return hfName;
  }

  /** Looks up a {@code hidden_act} value; an unknown one lists the known ones. */
  public static Activation fromHfName(String name) {
    for (Activation a : values()) {
      if (a.hfName.equals(name)) {
        return a;
      }
    }
    throw new ModelFormatException(
        "unknown hidden_act '"
            + name
            + "'; known: "
            + Arrays.stream(values()).map(Activation::hfName).collect(Collectors.joining(", ")));
  }

  NDArray apply(NDArray x) {
    switch (this) {
      case QUICK_GELU:
        return x.mul(Tensors.scale(x, 1.702f).getNDArrayInternal().sigmoid());
      case GELU:
        return x.getNDArrayInternal().gelu();
      default:
        throw new AssertionError(this);
    }
  }
}
