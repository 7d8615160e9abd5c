package org.opencasjobs.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.opencasjobs.config.PrivateFiles;

/**
 * The passwords of the catalog's database users, derived from one random secret kept in the
 * data folder (readable by its owner only), so nothing else needs storing and users never
 * learn them: user SQL runs on connections the server opens.
 */
final class CatalogSecrets {
    private final byte[] key;

    private CatalogSecrets(byte[] key) {
        this.key = key;
    }

    static CatalogSecrets load(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            PrivateFiles.write(file, fresh());
        }
        return ofHex(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /** The secret of the file when there is one (what a single node made before), without making one. */
    static String existing(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.US_ASCII).trim() : null;
    }

    /** A new random secret, hex. */
    static String fresh() {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        return HexFormat.of().formatHex(fresh);
    }

    static CatalogSecrets ofHex(String hex) {
        return new CatalogSecrets(HexFormat.of().parseHex(hex.trim()));
    }

    /** A password for {@code purpose} (hex, so it needs no quoting in SQL). */
    String password(String purpose) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(m.doFinal(purpose.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
