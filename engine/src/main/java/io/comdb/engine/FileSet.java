package io.comdb.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable snapshot of the open data files, sorted by id, and which one is active (takes appends).
 * The engine swaps whole snapshots (rotation, merge), so a reader that loaded one sees a consistent set.
 */
final class FileSet {
  private final DataFile[] files;
  private final DataFile active;

  FileSet(Collection<DataFile> files, DataFile active) {
    this.files = files.toArray(DataFile[]::new);
    Arrays.sort(this.files, Comparator.comparingInt(DataFile::id));
    this.active = active;
  }

  /** The file with this id, or null (a merge retired it, or it never existed). */
  DataFile find(int id) {
    int lo = 0;
    int hi = files.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int midId = files[mid].id();
      if (midId < id) {
        lo = mid + 1;
      } else if (midId > id) {
        hi = mid - 1;
      } else {
        return files[mid];
      }
    }
    return null;
  }

  DataFile active() {
    return active;
  }

  List<DataFile> all() {
    return List.of(files);
  }

  /** Every file but the active one. */
  List<DataFile> sealed() {
    List<DataFile> sealed = new ArrayList<>(files.length);
    for (DataFile f : files) {
      if (f != active) {
        sealed.add(f);
      }
    }
    return sealed;
  }

  FileSet withActive(DataFile next) {
    List<DataFile> all = new ArrayList<>(List.of(files));
    all.add(next);
    return new FileSet(all, next);
  }

  /** Adds {@code added} and drops {@code removed}; the active file stays. */
  FileSet replace(Collection<DataFile> removed, Collection<DataFile> added) {
    List<DataFile> all = new ArrayList<>(List.of(files));
    all.removeAll(removed);
    all.addAll(added);
    return new FileSet(all, active);
  }

  int count() {
    return files.length;
  }

  long diskBytes() {
    long total = 0;
    for (DataFile f : files) {
      total += f.size();
    }
    return total;
  }

  long deadBytes() {
    long total = 0;
    for (DataFile f : files) {
      total += f.deadBytes();
    }
    return total;
  }
}
