package io.servingmonitor.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The action a request path names: {@code /service.action} or {@code /v<major>.<minor>/service.action}.
 *
 * @param name             {@code service.action}
 * @param requestedVersion the version as written in the path ("999.0"), null when the path has none
 */
public record ActionPath(String name, String requestedVersion) {

    private static final String NAME = "[A-Za-z][A-Za-z0-9_]*\\.[A-Za-z][A-Za-z0-9_]*";
    private static final Pattern NAME_FORMAT = Pattern.compile(NAME);
    private static final Pattern PATH_FORMAT = Pattern.compile("/(?:v(\\d{1,6}(?:\\.\\d{1,6})?)/)?(" + NAME + ")/?");

    /** The action a path names, or null when the path is not an action path. */
    public static ActionPath parse(String path) {
        if (path == null) {
            return null;
        }
        Matcher matcher = PATH_FORMAT.matcher(path);
        if (!matcher.matches()) {
            return null;
        }
        return new ActionPath(matcher.group(2), matcher.group(1));
    }

    static boolean isActionName(String name) {
        return NAME_FORMAT.matcher(name).matches();
    }

    /** The requested version, or null when the path has none (then the newest version serves). */
    public ApiVersion version() {
        return requestedVersion == null ? null : ApiVersion.parse(requestedVersion);
    }
}
