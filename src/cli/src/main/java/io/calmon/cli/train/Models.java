package io.calmon.cli.train;

import io.calmon.cli.UserError;
import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import io.calmon.tuning.data.ImageDataset;
import io.calmon.tuning.outliers.OutlierPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loading helpers that turn bad input into one-line user errors. */
final class Models {
  private Models() {}

  static ClipModel load(Path dir) {
    try {
      return ClipModel.load(dir);
    } catch (ClipException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  static ImageDataset dataset(Path dir, Path imageRoot) {
    try {
      return ImageDataset.load(dir, imageRoot);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  static List<String> words(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserError("outlier word list " + file + " does not exist");
    }
    return OutlierPool.readWordList(file);
  }
}
