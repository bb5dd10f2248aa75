package io.calmon.cli.train;

import io.calmon.cli.UserError;
import io.calmon.tuning.data.ImageDataset;
import io.calmon.tuning.outliers.OutlierPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Dataset and word-list loading that turns bad input into one-line user errors. */
final class Models {
  private Models() {}

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
