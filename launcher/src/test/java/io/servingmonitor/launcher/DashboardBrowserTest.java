package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.testkafka.KafkaFixture;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard at {@code /} in Debian's headless Chromium, driven by Selenium, against the whole
 * service on a real Kafka broker: log in, the endpoints and loading containers that this test
 * registered (with 30 minutes of status reports), an endpoint's page with a chart per metric, a
 * container gone after unregister, a refused secret, markup in ids shown as text, the phone width
 * and the dark theme. Screenshots go to {@code target/dashboard-screenshots/}.
 *
 * <p>Uses {@value #CHROMIUM} and {@value #CHROMEDRIVER} (packages {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them) and downloads nothing: the driver's path
 * is given, so Selenium Manager is never asked. Skipped only when either binary is absent.
 */
class DashboardBrowserTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String ACCESS_KEY = "dash-key";
    private static final String SECRET_KEY = "dash-secret";
    private static final String SENTIMENT = "/serve/sentiment";
    private static final String VISION = "/serve/vision";
    private static final String XSS_ID = "<img src=x onerror=\"window.__xss=1\">";
    private static final String XSS_NAME = "<script>window.__xss=2</script>";
    private static final String XSS_URL = "/xss/<b>bold</b>";
    private static final int MINUTES_OF_HISTORY = 30;

    @TempDir
    static Path dir;

    private static final ShiftedClock CLOCK = new ShiftedClock();
    private static StandaloneApp app;
    private static String baseUrl;
    private static ServingClient api;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "Chromium or its driver is not installed (" + CHROMIUM + ", " + CHROMEDRIVER
                        + "; apt-get install chromium chromium-driver): the dashboard's browser tests are skipped");
        Path credentials = TestApps.credentials(dir, "dashboard:" + ACCESS_KEY + ":" + SECRET_KEY);
        // Event times within a day of the broker's are kept, so that the history written below keeps its own
        // times; its 30 minutes are written in seconds, so windows wait an hour for reports that other tasks
        // (other partitions of container-events) pass on later.
        app = StandaloneApp.start(LauncherOptions.parse(List.of(
                "--bootstrap-servers", KAFKA.bootstrapServers(), "--port", "0",
                "--data-dir", dir.resolve("data").toString(), "--credentials", credentials.toString(),
                "--application-id", KAFKA.uniqueName("dashboard"), "--token-secret", TestApps.TOKEN_SECRET,
                "--max-clock-skew", "1d", "--metric-grace", "1h"), Map.of()), CLOCK, System.out);
        assertThat(app.awaitRunning(Duration.ofSeconds(60))).as("Kafka Streams reached RUNNING").isTrue();
        baseUrl = TestApps.baseUrl(app);
        api = new ServingClient(baseUrl).withBasic(ACCESS_KEY, SECRET_KEY);
        writeHistory();
        Files.createDirectories(SCREENSHOTS);
        driver = startBrowser();
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (app != null) {
            app.close();
        }
    }

    @BeforeEach
    void freshSession() throws Exception {
        viewport(1280, 800);
        driver.get(baseUrl + "/");
        driver.executeScript("sessionStorage.clear(); localStorage.clear();");
        driver.navigate().refresh();
        waitFor(By.id("login-form"));
        assertThat(viewportWidth()).isEqualTo(1280);
    }

    @Test
    void loginShowsTheRegisteredEndpointsWithTheirReportsAndTheLoadingContainer() throws Exception {
        logIn(SECRET_KEY);

        List<String> cells = rowTexts("endpoints-table", SENTIMENT);
        // Endpoint, Model, URL, Instances, Requests, Req/min, Latency, Uptime, Last update
        assertThat(cells.subList(0, 7)).containsExactly("sentiment", "bert", SENTIMENT, "2",
                String.format(Locale.US, "%,d", 2 * requestsAt(2 * MINUTES_OF_HISTORY)), "12.5", "20");
        assertThat(rowTexts("endpoints-table", VISION).get(3)).isEqualTo("1");
        assertThat(rowTexts("loading-table", "loader-1").subList(0, 3)).containsExactly("loader-1", "warming-up", "llama");
        assertThat(driver.executeScript("return sessionStorage.getItem('serving-monitor.token')")).asString()
                .startsWith("ey");
        screenshot("endpoints-1280-light");

        driver.findElement(By.id("logout")).click();
        waitFor(By.id("login-form"));
        assertThat(driver.executeScript("return sessionStorage.getItem('serving-monitor.token')")).isNull();
    }

    @Test
    void endpointsTableSortsByAColumnAndFilters() throws Exception {
        logIn(SECRET_KEY);
        rowTexts("endpoints-table", SENTIMENT);
        driver.findElement(By.cssSelector("#endpoints-table th[data-key='instances']")).click();
        assertThat(urlsShown()).startsWith(SENTIMENT); // 2 instances first (numbers sort descending first)
        driver.findElement(By.id("filter")).sendKeys("vision");
        waiting(WAIT).until(d -> urlsShown().equals(List.of(VISION)));
    }

    @Test
    void wrongSecretIsRefusedAndShowsTheServersAnswer() throws Exception {
        logIn("not-the-secret");

        WebElement error = waiting(WAIT).until(ExpectedConditions.visibilityOfElementLocated(
                By.id("login-error")));
        assertThat(error.getText()).isEqualTo("Login refused: Invalid access key or secret key (401/22)");
        assertThat(driver.findElement(By.id("endpoints-view")).isDisplayed()).isFalse();
        assertThat(driver.executeScript("return sessionStorage.getItem('serving-monitor.token')")).isNull();
        screenshot("login-refused-1280-light");
    }

    @Test
    void endpointPageShowsItsInstancesAndAChartPerMetricWithPointsPerInstance() throws Exception {
        logIn(SECRET_KEY);
        openEndpoint(SENTIMENT);

        waiting(WAIT).until(d -> d.findElements(By.cssSelector("#instances-table tbody tr")).size() == 2);
        assertThat(driver.getCurrentUrl()).endsWith("#/endpoint/%2Fserve%2Fsentiment");
        waiting(WAIT).until(d -> d.findElements(By.cssSelector("#charts .chart canvas")).size() == 15);
        WebElement requests = driver.findElement(By.cssSelector(".chart[data-metric='requests']"));
        assertThat(requests.findElement(By.tagName("h3")).getText()).isEqualTo("Number of Requests");
        // the 40 s buckets of the last 30 minutes (reports every 30 s): total plus one line per container
        assertThat(Integer.parseInt(requests.getAttribute("data-points"))).isGreaterThanOrEqualTo(40);
        assertThat(requests.getAttribute("data-series")).isEqualTo("3");
        WebElement cpu = driver.findElement(By.cssSelector(".chart[data-metric='cpu_util']"));
        assertThat(Integer.parseInt(cpu.getAttribute("data-nonzero"))).isGreaterThanOrEqualTo(40);
        assertThat(driver.findElements(By.cssSelector(".chart h3"))).extracting(WebElement::getText)
                .contains("Requests per Minute", "Average Latency (ms)", "GPU RAM Free (GB)", "Network Throughput TX (MBps)");
        // the chart really drew its lines: the canvas holds pixels of more than the background colour
        Object colours = driver.executeScript("const c = document.querySelector(\".chart[data-metric='requests'] canvas\");"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; const seen = new Set();"
                + "for (let i = 0; i < d.length; i += 4) { if (d[i + 3]) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]); }"
                + "return seen.size;");
        assertThat(((Number) colours).intValue()).isGreaterThan(3);
        screenshot("endpoint-1280-light");
        viewport(1280, 1400);
        waiting(WAIT).until(d -> ((Number) driver.executeScript(
                "return document.querySelector('.chart canvas').getBoundingClientRect().bottom")).doubleValue() < 1400);
        screenshot("endpoint-1280x1400-light"); // docs/dashboard.png is one of these
        viewport(1280, 800);

        driver.findElement(By.cssSelector("#ranges button[data-range='86400']")).click();
        waiting(WAIT).until(d -> d.findElement(By.id("range-info")).getText().contains("one point per 5m"));
        assertThat(cspViolations()).isEmpty();
    }

    @Test
    void unregisteredContainerDisappearsWithinTheTenSecondRefresh() throws Exception {
        String url = "/serve/short-lived";
        TestApps.ok(api.post("serving.register_container", body(container("short-1", "short", url))));
        TestApps.ok(api.post("serving.register_container", body(container("short-2", "short", url))));
        logIn(SECRET_KEY);
        waiting(WAIT).until(d -> rowTexts("endpoints-table", url).get(3).equals("2"));

        TestApps.ok(api.post("serving.unregister_container", body(Map.of("container_id", "short-1"))));
        TestApps.ok(api.post("serving.unregister_container", body(Map.of("container_id", "short-2"))));
        long unregisteredAt = System.nanoTime();
        // no click: the page's own refresh (every 10 s) must show it
        waiting(Duration.ofSeconds(15)).until(d -> !urlsShown().contains(url));
        assertThat(Duration.ofNanos(System.nanoTime() - unregisteredAt)).isLessThan(Duration.ofSeconds(15));
        assertThat(urlsShown()).contains(SENTIMENT);
    }

    @Test
    void markupInIdsNamesAndUrlsIsShownAsText() throws Exception {
        logIn(SECRET_KEY);
        assertThat(rowTexts("endpoints-table", XSS_URL).subList(0, 3)).containsExactly(XSS_NAME, "m", XSS_URL);
        assertThat(driver.findElements(By.cssSelector("#endpoints-table tbody img, #endpoints-table tbody script,"
                + " #endpoints-table tbody b"))).isEmpty();

        openEndpoint(XSS_URL);
        assertThat(rowTexts("instances-table", XSS_ID).get(0)).isEqualTo(XSS_ID);
        assertThat(driver.findElement(By.id("endpoint-title")).getText()).contains(XSS_NAME, XSS_URL);
        waiting(WAIT).until(d -> d.findElements(By.cssSelector("#charts .chart canvas")).size() == 15);
        assertThat(driver.findElements(By.cssSelector("main img, main script, main b"))).isEmpty();
        assertThat(driver.executeScript("return typeof window.__xss")).isEqualTo("undefined");
    }

    @Test
    void systemDarkPreferenceIsFollowedUntilTheToggleChoosesLight() throws Exception {
        logIn(SECRET_KEY);
        rowTexts("endpoints-table", SENTIMENT);
        assertThat(backgroundLuminance()).isGreaterThan(0.8);
        try {
            prefersDark(true);
            waiting(WAIT).until(d -> backgroundLuminance() < 0.15);
            assertThat(driver.findElement(By.id("theme-toggle")).getText()).isEqualTo("Light theme");

            driver.findElement(By.id("theme-toggle")).click();
            assertThat(backgroundLuminance()).isGreaterThan(0.8);
        } finally {
            prefersDark(false);
        }
    }

    @Test
    void darkThemeToggleDarkensThePageAndItsCharts() throws Exception {
        logIn(SECRET_KEY);
        rowTexts("endpoints-table", SENTIMENT);
        assertThat(backgroundLuminance()).isGreaterThan(0.8);

        driver.findElement(By.id("theme-toggle")).click();
        assertThat(backgroundLuminance()).isLessThan(0.15);
        assertThat(driver.findElement(By.id("theme-toggle")).getText()).isEqualTo("Light theme");
        screenshot("endpoints-1280-dark");
        openEndpoint(SENTIMENT);
        waiting(WAIT).until(d -> d.findElements(By.cssSelector("#charts .chart canvas")).size() == 15);
        screenshot("endpoint-1280-dark");
    }

    @Test
    void pageFitsAPhoneWidthOf390PixelsInBothThemes() throws Exception {
        viewport(390, 844);
        assertThat(viewportWidth()).isEqualTo(390);
        logIn(SECRET_KEY);
        rowTexts("endpoints-table", SENTIMENT);
        assertThat(pageWidth()).isLessThanOrEqualTo(viewportWidth());
        screenshot("endpoints-390-light");

        openEndpoint(SENTIMENT);
        waiting(WAIT).until(d -> d.findElements(By.cssSelector("#charts .chart canvas")).size() == 15);
        WebElement chart = driver.findElement(By.cssSelector(".chart[data-metric='requests'] canvas"));
        assertThat((long) chart.getRect().getWidth()).isLessThanOrEqualTo(viewportWidth());
        assertThat(pageWidth()).isLessThanOrEqualTo(viewportWidth());
        screenshot("endpoint-390-light");
        driver.findElement(By.id("theme-toggle")).click();
        assertThat(backgroundLuminance()).isLessThan(0.15);
        screenshot("endpoint-390-dark");
    }

    // ---- the data: two endpoints with 30 minutes of reports, a loading container, markup in names ----

    private static void writeHistory() throws Exception {
        Instant now = Instant.now();
        CLOCK.setOffset(Duration.ofMinutes(-MINUTES_OF_HISTORY));
        for (String id : List.of("sentiment-a", "sentiment-b")) {
            TestApps.ok(api.post("serving.register_container", body(withTimeout(container(id, "sentiment", SENTIMENT)))));
        }
        TestApps.ok(api.post("serving.register_container", body(withTimeout(container("vision-1", "vision", VISION)))));
        Map<String, Object> xss = withTimeout(container(XSS_ID, XSS_NAME, XSS_URL));
        xss.put("model_name", "m");
        TestApps.ok(api.post("serving.register_container", body(xss)));
        // every 30 s, as the ClearML SDK reports; the last one now
        for (int step = 1; step <= 2 * MINUTES_OF_HISTORY; step++) {
            CLOCK.setOffset(Duration.ofSeconds(30L * step - 60L * MINUTES_OF_HISTORY));
            double wave = Math.sin(step / 6.0);
            report("sentiment-a", "sentiment", SENTIMENT, step, 10.0 + 2 * wave, 15.0 + 3 * wave, 30 + (int) (10 * wave));
            report("sentiment-b", "sentiment", SENTIMENT, step, 15.0 - 2 * wave, 25.0 - 3 * wave, 60 - (int) (10 * wave));
            report("vision-1", "vision", VISION, step, 3.0, 80.0 + 5 * wave, 45);
        }
        CLOCK.setOffset(Duration.ZERO);
        Map<String, Object> loader = new LinkedHashMap<>(Map.of("container_id", "loader-1", "endpoint_name", "warming-up",
                "model_name", "llama", "model_version", "3"));
        TestApps.ok(api.post("serving.register_container", body(loader)));
        TestApps.ok(api.post("serving.container_status_report", body(xss)));
        TestApps.eventually(WAIT, () -> api.post("serving.get_endpoints", "{}"),
                reply -> reply.data().path("endpoints").size() == 3
                        && reply.body().contains("\"requests\":" + 2 * requestsAt(2 * MINUTES_OF_HISTORY)));
        TestApps.eventually(WAIT, () -> api.post("serving.get_loading_instances", "{}"),
                reply -> reply.data().path("instances").size() == 1);
        assertThat(Duration.between(now, Instant.now())).isLessThan(Duration.ofMinutes(5));
    }

    /** The cumulative request count of a container at report {@code step}. */
    private static long requestsAt(int step) {
        return 50L * step;
    }

    private static void report(String id, String name, String url, int step, double requestsMin, double latency,
                               int cpu) throws Exception {
        Map<String, Object> report = container(id, name, url);
        report.put("uptime_sec", step * 30);
        report.put("requests_num", requestsAt(step));
        report.put("requests_min", requestsMin);
        report.put("latency_ms", latency);
        report.put("machine_stats", Map.of("cpu_usage", List.of(cpu, cpu + 10), "gpu_usage", List.of(50 + step % 20),
                "memory_used", 2048 + 10 * step, "memory_free", 6144, "gpu_memory_used", List.of(4096),
                "gpu_memory_free", List.of(12288), "network_rx", 1.5, "network_tx", 0.5));
        TestApps.ok(api.post("serving.container_status_report", body(report)));
    }

    private static Map<String, Object> container(String id, String name, String url) {
        return new LinkedHashMap<>(Map.of("container_id", id, "endpoint_name", name,
                "model_name", name.equals("sentiment") ? "bert" : "resnet", "endpoint_url", url));
    }

    private static Map<String, Object> withTimeout(Map<String, Object> fields) {
        fields.put("timeout", 86_400);
        return fields;
    }

    private static String body(Map<String, Object> fields) throws IOException {
        return JSON.writeValueAsString(fields);
    }

    // ---- the browser ----

    private static ChromeDriver startBrowser() {
        // The driver binary is given, so Selenium Manager (which would download one) is not run.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,800", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--no-first-run", "--disable-extensions", "--disable-background-networking", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        return new ChromeDriver(service, options);
    }

    /** The page's viewport, exactly (a window size would include the browser's own bars). */
    private static void viewport(int width, int height) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    }

    /** What the page's {@code prefers-color-scheme} media query sees. */
    private static void prefersDark(boolean dark) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
    }

    private void logIn(String secret) {
        driver.findElement(By.id("access-key")).sendKeys(ACCESS_KEY);
        driver.findElement(By.id("secret-key")).sendKeys(secret);
        driver.findElement(By.id("login-submit")).click();
    }

    private static void waitFor(By locator) {
        waiting(WAIT).until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** A wait that looks again when the page replaced what it looked at (the tables are redrawn every 10 s). */
    private static WebDriverWait waiting(Duration patience) {
        WebDriverWait wait = new WebDriverWait(driver, patience);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /**
     * The cell texts of the row of {@code table} whose {@code data-url} or {@code data-container} is
     * {@code key}, once shown; read in one script, so that a refresh cannot swap the row halfway.
     */
    @SuppressWarnings("unchecked")
    private static List<String> rowTexts(String table, String key) {
        return waiting(WAIT).until(d -> (List<String>) driver.executeScript(
                "const row = Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))"
                        + ".find(tr => tr.dataset.url === arguments[1] || tr.dataset.container === arguments[1]);"
                        + "return row ? Array.from(row.cells).map(td => td.innerText.trim()) : null;", table, key));
    }

    /** Clicks the link of the endpoint row of {@code url} (again if a refresh redrew the row under the click). */
    private static void openEndpoint(String url) {
        waiting(WAIT).until(d -> {
            for (WebElement tr : d.findElements(By.cssSelector("#endpoints-table tbody tr"))) {
                if (url.equals(tr.getAttribute("data-url"))) {
                    tr.findElement(By.tagName("a")).click();
                    return true;
                }
            }
            return false;
        });
        waiting(WAIT).until(d -> d.findElement(By.id("endpoint-view")).isDisplayed());
    }

    @SuppressWarnings("unchecked")
    private static List<String> urlsShown() {
        return (List<String>) driver.executeScript("return Array.from("
                + "document.querySelectorAll('#endpoints-table tbody tr')).map(tr => tr.dataset.url)");
    }

    private static double backgroundLuminance() {
        String colour = (String) driver.executeScript("return getComputedStyle(document.body).backgroundColor");
        String[] rgb = colour.replaceAll("[^0-9,]", "").split(",");
        return (0.2126 * Integer.parseInt(rgb[0]) + 0.7152 * Integer.parseInt(rgb[1]) + 0.0722 * Integer.parseInt(rgb[2])) / 255;
    }

    private static long pageWidth() {
        return ((Number) driver.executeScript("return document.documentElement.scrollWidth")).longValue();
    }

    private static long viewportWidth() {
        return ((Number) driver.executeScript("return window.innerWidth")).longValue();
    }

    private static List<String> cspViolations() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
                .filter(message -> message.contains("Content Security Policy")).collect(Collectors.toList());
    }

    private static void screenshot(String name) throws IOException {
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        java.awt.image.BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth() + "x" + image.getHeight()).as(file.toString())
                .isEqualTo(viewportWidth() + "x" + driver.executeScript("return window.innerHeight"));
    }

    /** The system clock moved by an offset the test sets: status reports written "30 minutes ago". */
    private static final class ShiftedClock extends Clock {
        private final AtomicLong offsetMs = new AtomicLong();

        void setOffset(Duration offset) {
            offsetMs.set(offset.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offsetMs.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }
    }
}
