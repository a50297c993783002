package io.servingmonitor.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** This build's version (the Maven project version), from a resource the build fills in. */
final class Version {

    private static final String RESOURCE = "version.properties";

    private Version() {
    }

    /** Such as {@code 0.1.0-SNAPSHOT}. */
    static String current() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + Version.class.getName());
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code serving-monitor --version} prints. */
    static String line() {
        return "serving-monitor " + current();
    }
}
