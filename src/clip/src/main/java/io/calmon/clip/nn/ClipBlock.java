package io.calmon.clip.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of the CLIP blocks: parameters and children are registered under their Hugging Face names,
 * so a whole encoder lists its weights as {@code name -> (parameter, expected shape)} for loading
 * and saving. Parameters are frozen (CLIP is never fine-tuned here); gradients flow to inputs.
 *
 * <p>Forward passes read parameter arrays directly: the model lives on one device, and the arrays
 * are only ever second operands, so every result lands in the caller's (input's) manager.
 */
public abstract class ClipBlock extends AbstractBlock {

  private final Map<String, Parameter> named = new LinkedHashMap<>();
  private final Map<String, Shape> shapes = new LinkedHashMap<>();
  private final Map<String, ClipBlock> blocks = new LinkedHashMap<>();

  /** A weight this block expects, by its Hugging Face name relative to the model root. */
  public record Slot(Parameter parameter, Shape shape) {}

  protected ClipBlock() {
    super((byte) 1);
  }

  /** Registers a frozen parameter under its Hugging Face (relative) name. */
  protected final Parameter weight(String hfName, Shape shape) {
    Parameter p =
        addParameter(
            Parameter.builder()
                .setName(hfName)
                .setType(Parameter.Type.OTHER)
                .optRequiresGrad(false)
                .build());
    named.put(hfName, p);
    shapes.put(hfName, shape);
    return p;
  }

  /** Registers a child block under its Hugging Face path segment. */
  protected final <B extends ClipBlock> B child(String hfName, B block) {
    addChildBlock(hfName.replace('.', '_'), block);
    blocks.put(hfName, block);
    return block;
  }

  /** Adds this block's weights, with {@code prefix} prepended to each name, to {@code out}. */
  public final void collectSlots(String prefix, Map<String, Slot> out) {
    named.forEach((name, p) -> out.put(prefix + name, new Slot(p, shapes.get(name))));
    blocks.forEach((name, b) -> b.collectSlots(prefix + name + ".", out));
  }

  /**
   * Runs {@code body} in a sub-manager of {@code input}'s manager, so that intermediates are freed
   * on return; only the result survives, attached to the input's manager.
   */
  static NDArray scoped(NDArray input, java.util.function.Function<NDManager, NDArray> body) {
    NDManager owner = input.getManager();
    try (NDManager scope = owner.newSubManager()) {
      input.tempAttach(scope);
      NDArray out = body.apply(scope);
      out.attach(owner);
      return out;
    }
  }

  /** Brings an array made from a parameter (a slice, a view) into {@code scope}. */
  static NDArray own(NDArray array, NDManager scope) {
    array.attach(scope);
    return array;
  }
}
