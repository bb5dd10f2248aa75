import io.calmon.world.*;
import java.io.*;
import java.nio.file.*;
/**
 * Dev-only: renders pretraining pairs of the world and writes them as raw bytes for the shape
 * probes. {@code OUT.u8}: N images of 3x32x32 bytes (CHW, 0-255); {@code OUT.tsv}: per image the
 * shape, colour, style and background ordinals and the caption. "easy" = medium to large single
 * objects, no clutter, no occluders.
 *
 * <pre>java -cp "src/cli/target/lib/*" src/world/scripts/shape-probe/DumpScenes.java N SEED OUT [easy]</pre>
 */
public class DumpScenes {
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]); long seed = Long.parseLong(a[1]); String out = a[2];
    boolean easy = a.length > 3 && a[3].equals("easy");
    WorldConfig.Builder b = WorldConfig.defaults().toBuilder().optCaptionDetail(0.25);
    if (easy) b.optSizes(ObjectSize.MEDIUM, ObjectSize.LARGE).optClutterProbability(0).optOccluderProbability(0).optMultiObjectProbability(0);
    WorldPretrainingData d = new WorldPretrainingData(b.build(), seed);
    try (var img = new BufferedOutputStream(new FileOutputStream(out + ".u8"));
         var lab = new PrintWriter(new FileWriter(out + ".tsv"))) {
      for (int i = 0; i < n; i++) {
        var s = d.get(i);
        float[] chw = s.chw();
        byte[] bytes = new byte[chw.length];
        for (int j = 0; j < chw.length; j++) bytes[j] = (byte) Math.round(Math.max(0, Math.min(1, chw[j])) * 255);
        img.write(bytes);
        var sc = s.scene();
        lab.println(sc.worldClass().shape().ordinal() + "\t" + sc.worldClass().colour().ordinal() + "\t" + sc.style().ordinal() + "\t" + sc.background().ordinal() + "\t" + s.caption());
        if (i % 5000 == 0) System.err.println(i);
      }
    }
  }
}
