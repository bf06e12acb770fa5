package io.tether.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import org.jspecify.annotations.Nullable;

/**
 * The JVM's storage: one file per key in a directory. A write goes to a temporary file, is forced to
 * the disk, and is renamed over the old file (atomic on POSIX file systems), then the directory is
 * forced so the rename itself survives a power cut. A kill at any instant leaves the old value or the
 * new one. Chosen over SQLite because it needs no native library and the values are whole documents
 * anyway; see the client's documentation for the figures.
 */
public final class FileStorage implements TetherStorage {
  private final Path dir;

  /**
   * Uses {@code dir}, made if missing. On POSIX file systems the directory is made (or narrowed to)
   * mode 0700 and every file 0600: the session file holds a refresh token good for weeks.
   */
  public FileStorage(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    if (posix()) {
      Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  private boolean posix() {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  @Override
  public @Nullable String read(String key) throws IOException {
    try {
      return new String(Files.readAllBytes(file(key)), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public void write(String key, String value) throws IOException {
    Path target = file(key);
    Path temporary = dir.resolve(target.getFileName() + ".tmp");
    Files.deleteIfExists(temporary); // a leftover from a kill may carry other permissions
    FileAttribute<?>[] ownerOnly = posix()
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    try (FileChannel out = FileChannel.open(temporary, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        ownerOnly)) {
      ByteBuffer bytes = ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      out.force(true);
    }
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system of " + dir + " cannot rename atomically, which the queue needs", e);
    }
    forceDirectory();
  }

  @Override
  public void remove(String key) throws IOException {
    Files.deleteIfExists(file(key));
    forceDirectory();
  }

  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory; the rename is still atomic there, only maybe not yet durable.
    }
  }

  /** Keys become file names: letters, digits, '-' and '_' kept, everything else as %XX, so no key escapes the directory. */
  private Path file(String key) {
    StringBuilder name = new StringBuilder();
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        name.append(c);
      } else {
        name.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return dir.resolve(name.append(".json").toString());
  }
}
