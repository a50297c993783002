package io.servingmonitor.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An API version {@code major.minor}, ordered numerically per part (2.4 is below 2.31), printed as
 * given ("999.0" stays "999.0").
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,6})(?:\\.(\\d{1,6}))?");

    public ApiVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("negative version part");
        }
    }

    /** Parses {@code major.minor} or {@code major}; IllegalArgumentException otherwise. */
    public static ApiVersion parse(String text) {
        ApiVersion version = tryParse(text);
        if (version == null) {
            throw new IllegalArgumentException("not an API version: " + text);
        }
        return version;
    }

    /** Parses {@code major.minor} or {@code major}; null when the text is not a version. */
    public static ApiVersion tryParse(String text) {
        if (text == null) {
            return null;
        }
        Matcher matcher = FORMAT.matcher(text);
        if (!matcher.matches()) {
            return null;
        }
        int minor = matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2));
        return new ApiVersion(Integer.parseInt(matcher.group(1)), minor);
    }

    @Override
    public int compareTo(ApiVersion other) {
        int byMajor = Integer.compare(major, other.major);
        return byMajor != 0 ? byMajor : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
