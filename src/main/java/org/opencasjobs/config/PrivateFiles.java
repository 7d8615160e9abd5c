package org.opencasjobs.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data folder and the secrets in it are for the service's own operating-system user only:
 * it holds password hashes, every user's MyDB and the demo account's password, which the
 * process's usual umask would leave readable by every local user.
 */
public final class PrivateFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /**
     * Creates {@code dir} (and its parents) if missing and makes it the owner's alone, so nothing
     * inside can be reached by other local users whatever the files' own modes.
     *
     * @return true if an existing folder was open to others and has been closed
     */
    public static boolean folder(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (!POSIX || Files.getPosixFilePermissions(dir).equals(OWNER_ONLY_FOLDER)) {
            return false;
        }
        Files.setPosixFilePermissions(dir, OWNER_ONLY_FOLDER);
        return true;
    }

    /** Writes {@code text} to {@code file}, readable and writable by the owner only. */
    public static void write(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        if (POSIX) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
