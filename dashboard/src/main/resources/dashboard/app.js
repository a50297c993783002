// serving-monitor dashboard: plain JavaScript, no build step. Every value from the API reaches the
// page as text (textContent, text nodes, or a property such as href built with encodeURIComponent);
// nothing is ever parsed as HTML, so a container id such as "<img src=x onerror=...>" shows as itself.
(function () {
  "use strict";

  const TOKEN_KEY = "serving-monitor.token";
  const THEME_KEY = "serving-monitor.theme";
  const REFRESH_MS = 10000;
  // The server's smallest chart interval by default (--min-chart-interval); it answers the one it used.
  const MIN_INTERVAL_SEC = 40;
  const POINTS_PER_CHART = 300;

  // The 15 metric_type values of serving.get_endpoint_metrics_history, with the server's titles.
  const METRICS = [
    ["requests", "Number of Requests"],
    ["requests_min", "Requests per Minute"],
    ["latency_ms", "Average Latency (ms)"],
    ["cpu_count", "CPU Count"],
    ["gpu_count", "GPU Count"],
    ["cpu_util", "Average CPU Load (%)"],
    ["gpu_util", "Average GPU Utilization (%)"],
    ["ram_total", "RAM Total (GB)"],
    ["ram_used", "RAM Used (GB)"],
    ["ram_free", "RAM Free (GB)"],
    ["gpu_ram_total", "GPU RAM Total (GB)"],
    ["gpu_ram_used", "GPU RAM Used (GB)"],
    ["gpu_ram_free", "GPU RAM Free (GB)"],
    ["network_rx", "Network Throughput RX (MBps)"],
    ["network_tx", "Network Throughput TX (MBps)"],
  ];
  const PALETTE = ["#2f6fde", "#e8590c", "#2b8a3e", "#c2255c", "#7048e8", "#0b7285", "#e67700",
    "#5c940d", "#a61e4d", "#1864ab", "#862e9c", "#d9480f"];

  const $ = (id) => document.getElementById(id);

  /** An element with properties and children; strings become text nodes, never markup. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (name === "dataset") Object.assign(node.dataset, value);
      else if (name === "className") node.className = value;
      else node[name] = value;
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function show(id, visible) { $(id).hidden = !visible; }

  function showError(id, text) {
    const node = $(id);
    node.textContent = text || "";
    node.hidden = !text;
  }

  // ---- API -----------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, subcode, message) {
      super(message);
      this.status = status;
      this.subcode = subcode;
    }
    describe() { return this.message + " (" + this.status + "/" + this.subcode + ")"; }
  }

  async function envelope(response) {
    let body = null;
    try { body = await response.json(); } catch (e) { /* not an envelope */ }
    const meta = body && body.meta;
    if (!response.ok || !meta || meta.result_code !== 200) {
      throw new ApiError(meta ? meta.result_code : response.status, meta ? meta.result_subcode : 0,
        meta && meta.result_msg ? meta.result_msg : "HTTP " + response.status);
    }
    return body.data;
  }

  function basic(accessKey, secretKey) {
    const bytes = new TextEncoder().encode(accessKey + ":" + secretKey);
    let binary = "";
    bytes.forEach((b) => { binary += String.fromCharCode(b); });
    return "Basic " + btoa(binary);
  }

  async function login(accessKey, secretKey) {
    const response = await fetch("/auth.login", { headers: { Authorization: basic(accessKey, secretKey) } });
    const data = await envelope(response);
    sessionStorage.setItem(TOKEN_KEY, data.token);
  }

  async function call(action, body) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) throw new ApiError(401, 20, "Not logged in");
    const response = await fetch("/serving." + action, {
      method: "POST",
      headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    try {
      return await envelope(response);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) loggedOut("Your session ended: " + e.describe() + ". Log in again.");
      throw e;
    }
  }

  // ---- formatting ----------------------------------------------------------------------------

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "";
    let s = Math.max(0, Math.round(Number(seconds)));
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    if (d) return d + "d " + h + "h";
    if (h) return h + "h " + m + "m";
    if (m) return m + "m " + s + "s";
    return s + "s";
  }

  function number(value, digits) {
    if (value === null || value === undefined) return "";
    return Number(value).toLocaleString(undefined, { maximumFractionDigits: digits || 0 });
  }

  function pad(n) { return String(n).padStart(2, "0"); }

  function when(iso) {
    if (!iso) return "";
    const t = new Date(iso);
    if (isNaN(t)) return String(iso);
    return t.getFullYear() + "-" + pad(t.getMonth() + 1) + "-" + pad(t.getDate()) + " "
      + pad(t.getHours()) + ":" + pad(t.getMinutes()) + ":" + pad(t.getSeconds());
  }

  function stamp() {
    const t = new Date();
    $("status").textContent = "Updated " + pad(t.getHours()) + ":" + pad(t.getMinutes()) + ":" + pad(t.getSeconds());
  }

  function endpointHref(url) { return "#/endpoint/" + encodeURIComponent(url); }

  // ---- theme ---------------------------------------------------------------------------------

  const darkQuery = window.matchMedia("(prefers-color-scheme: dark)");

  function effectiveTheme() {
    const chosen = localStorage.getItem(THEME_KEY);
    return chosen === "dark" || chosen === "light" ? chosen : (darkQuery.matches ? "dark" : "light");
  }

  function applyTheme() {
    const chosen = localStorage.getItem(THEME_KEY);
    if (chosen) document.documentElement.dataset.theme = chosen;
    else delete document.documentElement.dataset.theme;
    $("theme-toggle").textContent = effectiveTheme() === "dark" ? "Light theme" : "Dark theme";
    charts.forEach((chart) => chart.destroy());
    charts.clear();
    if (view.name === "endpoint" && lastHistory) drawCharts(lastHistory);
  }

  // ---- views ---------------------------------------------------------------------------------

  let view = { name: null };
  let generation = 0;
  let timer = null;

  function route() {
    generation++;
    clearInterval(timer);
    const loggedIn = !!sessionStorage.getItem(TOKEN_KEY);
    show("logout", loggedIn);
    show("login-view", !loggedIn);
    show("endpoints-view", false);
    show("endpoint-view", false);
    if (!loggedIn) {
      view = { name: "login" };
      $("status").textContent = "";
      $("access-key").focus();
      return;
    }
    const match = location.hash.match(/^#\/endpoint\/(.*)$/);
    if (match) {
      let url;
      try { url = decodeURIComponent(match[1]); } catch (e) { url = match[1]; }
      openEndpoint(url);
    } else {
      openEndpoints();
    }
  }

  function every(refresh) {
    const mine = generation;
    refresh();
    timer = setInterval(() => { if (mine === generation) refresh(); }, REFRESH_MS);
  }

  function loggedOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    route();
    showError("login-error", message);
  }

  // ---- endpoints list ------------------------------------------------------------------------

  let endpoints = [];
  let sort = { key: "endpoint", descending: false };

  function openEndpoints() {
    view = { name: "endpoints" };
    document.title = "Endpoints - serving-monitor";
    show("endpoints-view", true);
    every(refreshEndpoints);
  }

  async function refreshEndpoints() {
    const mine = generation;
    try {
      const [list, loading] = await Promise.all([call("get_endpoints"), call("get_loading_instances")]);
      if (mine !== generation) return;
      endpoints = list.endpoints || [];
      renderEndpoints();
      renderLoading(loading.instances || []);
      showError("endpoints-error", "");
      stamp();
    } catch (e) {
      if (mine === generation && !(e instanceof ApiError && e.status === 401)) {
        showError("endpoints-error", "Could not load the endpoints: " + (e.describe ? e.describe() : e.message));
      }
    }
  }

  function compare(a, b, key, type) {
    const x = a[key], y = b[key];
    if (type === "number") return (Number(x) || 0) - (Number(y) || 0);
    return String(x === null || x === undefined ? "" : x).localeCompare(String(y === null || y === undefined ? "" : y));
  }

  function renderEndpoints() {
    const filter = $("filter").value.trim().toLowerCase();
    const header = document.querySelector("#endpoints-table th[data-key=\"" + sort.key + "\"]");
    const type = header ? header.dataset.type : "text";
    document.querySelectorAll("#endpoints-table th[data-key]").forEach((th) => {
      if (th.dataset.key === sort.key) th.setAttribute("aria-sort", sort.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    const rows = endpoints
      .filter((e) => !filter || [e.endpoint, e.model, e.url].some((v) => String(v || "").toLowerCase().includes(filter)))
      .sort((a, b) => (sort.descending ? -1 : 1) * compare(a, b, sort.key, type) || compare(a, b, "url", "text"));
    const body = $("endpoints-table").tBodies[0];
    body.replaceChildren(...rows.map((e) => el("tr", { dataset: { url: e.url } },
      el("td", { className: "wrap" }, e.endpoint),
      el("td", { className: "wrap" }, e.model),
      el("td", { className: "wrap" }, el("a", { href: endpointHref(e.url) }, e.url)),
      el("td", { className: "num" }, number(e.instances)),
      el("td", { className: "num" }, number(e.requests)),
      el("td", { className: "num" }, number(e.requests_min, 2)),
      el("td", { className: "num" }, number(e.latency_ms)),
      el("td", { className: "num" }, duration(e.uptime_sec)),
      el("td", {}, when(e.last_update)))));
    show("endpoints-empty", rows.length === 0);
    $("endpoints-empty").textContent = endpoints.length ? "No endpoint matches the filter." : "No live endpoints.";
  }

  function renderLoading(instances) {
    const body = $("loading-table").tBodies[0];
    body.replaceChildren(...instances.map((i) => el("tr", { dataset: { container: i.id } },
      el("td", { className: "wrap" }, i.id),
      el("td", { className: "wrap" }, i.endpoint),
      el("td", { className: "wrap" }, i.model),
      el("td", { className: "wrap" }, i.model_version),
      el("td", {}, i.input_type),
      el("td", { className: "num" }, duration(i.age_sec)),
      el("td", {}, when(i.last_update)))));
    show("loading-empty", instances.length === 0);
  }

  // ---- one endpoint --------------------------------------------------------------------------

  let range = { preset: 3600 };
  const charts = new Map();
  let lastHistory = null;

  function openEndpoint(url) {
    view = { name: "endpoint", url: url };
    document.title = url + " - serving-monitor";
    charts.forEach((chart) => chart.destroy());
    charts.clear();
    lastHistory = null;
    $("charts").replaceChildren();
    $("endpoint-title").textContent = url;
    $("endpoint-facts").replaceChildren();
    $("instances-table").tBodies[0].replaceChildren();
    showError("endpoint-error", "");
    markRange();
    show("endpoint-view", true);
    every(refreshEndpoint);
  }

  async function refreshEndpoint() {
    const mine = generation;
    const url = view.url;
    try {
      const details = await call("get_endpoint_details", { endpoint_url: url });
      if (mine !== generation) return;
      renderDetails(details);
      showError("endpoint-error", "");
    } catch (e) {
      if (mine !== generation || (e instanceof ApiError && e.status === 401)) return;
      showError("endpoint-error", e instanceof ApiError && e.subcode === 1052
        ? "No live instance on this url now (" + e.describe() + "); the charts show its history."
        : "Could not load the endpoint: " + (e.describe ? e.describe() : e.message));
      $("instances-table").tBodies[0].replaceChildren();
    }
    if (range.preset || !lastHistory) await refreshCharts(mine, url);
    if (mine === generation) stamp();
  }

  function renderDetails(d) {
    $("endpoint-title").textContent = (d.endpoint ? d.endpoint + "  " : "") + d.url;
    const facts = [["Endpoint", d.endpoint], ["Model", d.model], ["URL", d.url], ["Model source", d.model_source],
      ["Model version", d.model_version], ["Preprocess artifact", d.preprocess_artifact], ["Input type", d.input_type],
      ["Input size", d.input_size], ["Uptime", duration(d.uptime_sec)], ["Last update", when(d.last_update)]];
    $("endpoint-facts").replaceChildren(...facts.filter(([, v]) => v !== null && v !== undefined && v !== "")
      .flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    $("instances-table").tBodies[0].replaceChildren(...(d.instances || []).map((i) => el("tr", { dataset: { container: i.id } },
      el("td", { className: "wrap" }, i.id, i.region ? el("span", { className: "muted" }, "  " + i.region) : null),
      el("td", { className: "num" }, duration(i.uptime_sec)),
      el("td", { className: "num" }, number(i.requests)),
      el("td", { className: "num" }, number(i.requests_min, 2)),
      el("td", { className: "num" }, number(i.latency_ms)),
      el("td", { className: "num" }, number(i.cpu_count)),
      el("td", { className: "num" }, number(i.gpu_count)),
      el("td", {}, when(i.last_update)))));
  }

  function rangeBounds() {
    if (range.preset) {
      const to = Math.floor(Date.now() / 1000);
      return { from: to - range.preset, to: to };
    }
    return { from: range.from, to: range.to };
  }

  async function refreshCharts(mine, url) {
    const { from, to } = rangeBounds();
    const interval = Math.max(MIN_INTERVAL_SEC, Math.ceil((to - from) / POINTS_PER_CHART));
    const answers = await Promise.all(METRICS.map(([type]) =>
      call("get_endpoint_metrics_history", {
        endpoint_url: url, from_date: from, to_date: to, interval: interval, metric_type: type, instance_charts: true,
      }).catch((e) => e)));
    if (mine !== generation) return;
    lastHistory = { from: from, to: to, answers: answers };
    const used = answers.find((a) => !(a instanceof Error));
    $("range-info").textContent = "From " + when(from * 1000) + " to " + when(to * 1000)
      + (used ? ", one point per " + duration(used.computed_interval) : "");
    drawCharts(lastHistory);
  }

  function themeColors() {
    const style = getComputedStyle(document.documentElement);
    return { text: style.getPropertyValue("--muted").trim(), grid: style.getPropertyValue("--grid").trim() };
  }

  function drawCharts(history) {
    const container = $("charts");
    METRICS.forEach(([type, title], index) => {
      const answer = history.answers[index];
      let card = container.querySelector("[data-metric=\"" + type + "\"]");
      if (!card) {
        card = el("div", { className: "chart", dataset: { metric: type } }, el("h3", {}, title), el("div", { className: "plot" }));
        container.append(card);
      }
      const plot = card.querySelector(".plot");
      if (answer instanceof Error) {
        destroyChart(type);
        plot.replaceChildren(el("p", { className: "error" }, answer.describe ? answer.describe() : answer.message));
        card.dataset.points = "0";
        return;
      }
      const total = answer.total || { dates: [], values: [] };
      const ids = Object.keys(answer.instances || {}).sort();
      card.querySelector("h3").textContent = total.title || title;
      card.dataset.points = String(total.dates.length);
      card.dataset.series = String(ids.length + 1);
      card.dataset.nonzero = String(total.values.filter((v) => v !== 0).length);
      const data = [total.dates.map((ms) => ms / 1000), total.values]
        .concat(ids.map((id) => answer.instances[id].values));
      const key = ids.join("\u0000");
      const existing = charts.get(type);
      if (existing && existing.key === key) {
        existing.bounds.from = history.from;
        existing.bounds.to = history.to;
        existing.plot.setData(data);
        return;
      }
      destroyChart(type);
      plot.replaceChildren();
      const colors = themeColors();
      const axis = { stroke: colors.text, grid: { stroke: colors.grid }, ticks: { stroke: colors.grid } };
      const series = [{ label: "Time" },
        { label: "Total", stroke: effectiveTheme() === "dark" ? "#e3e7ee" : "#1d2330", width: 2 }]
        .concat(ids.map((id, i) => ({ label: id, stroke: PALETTE[i % PALETTE.length], width: 1 })));
      const bounds = { from: history.from, to: history.to };
      const uplot = new uPlot({
        width: Math.max(200, plot.clientWidth),
        height: 200,
        series: series,
        scales: { x: { time: true, auto: false, range: () => [bounds.from, bounds.to] } },
        axes: [axis, Object.assign({ size: 56 }, axis)],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
      }, data, plot);
      charts.set(type, { plot: uplot, key: key, bounds: bounds, destroy: () => uplot.destroy() });
    });
  }

  function destroyChart(type) {
    const chart = charts.get(type);
    if (chart) { chart.destroy(); charts.delete(type); }
  }

  function markRange() {
    document.querySelectorAll("#ranges button").forEach((b) => {
      const pressed = b.dataset.range === "custom" ? !range.preset : Number(b.dataset.range) === range.preset;
      b.setAttribute("aria-pressed", String(pressed));
    });
    show("custom-range", !range.preset);
  }

  function localInput(seconds) {
    const t = new Date(seconds * 1000);
    return t.getFullYear() + "-" + pad(t.getMonth() + 1) + "-" + pad(t.getDate()) + "T" + pad(t.getHours()) + ":" + pad(t.getMinutes());
  }

  // ---- wiring --------------------------------------------------------------------------------

  function start() {
    applyTheme();
    darkQuery.addEventListener("change", applyTheme);
    $("theme-toggle").addEventListener("click", () => {
      localStorage.setItem(THEME_KEY, effectiveTheme() === "dark" ? "light" : "dark");
      applyTheme();
    });
    $("login-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      showError("login-error", "");
      $("login-submit").disabled = true;
      try {
        await login($("access-key").value.trim(), $("secret-key").value);
        $("secret-key").value = "";
        route();
      } catch (e) {
        showError("login-error", e instanceof ApiError
          ? "Login refused: " + e.describe()
          : "Login failed: the server could not be reached (" + e.message + ")");
      } finally {
        $("login-submit").disabled = false;
      }
    });
    $("logout").addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      location.hash = "#/";
      route();
    });
    $("filter").addEventListener("input", renderEndpoints);
    $("refresh").addEventListener("click", refreshEndpoints);
    document.querySelectorAll("#endpoints-table th[data-key]").forEach((th) => th.addEventListener("click", () => {
      sort = sort.key === th.dataset.key ? { key: sort.key, descending: !sort.descending }
        : { key: th.dataset.key, descending: th.dataset.type === "number" };
      renderEndpoints();
    }));
    document.querySelectorAll("#ranges button").forEach((b) => b.addEventListener("click", () => {
      if (b.dataset.range === "custom") {
        const { from, to } = rangeBounds();
        $("custom-from").value = localInput(from);
        $("custom-to").value = localInput(to);
        range = { preset: 0, from: from, to: to };
        markRange();
        return;
      }
      range = { preset: Number(b.dataset.range) };
      markRange();
      if (view.name === "endpoint") refreshCharts(generation, view.url);
    }));
    $("custom-range").addEventListener("submit", (event) => {
      event.preventDefault();
      const from = Math.floor(new Date($("custom-from").value).getTime() / 1000);
      const to = Math.floor(new Date($("custom-to").value).getTime() / 1000);
      if (!(from < to)) {
        $("range-info").textContent = "The start must be before the end.";
        return;
      }
      range = { preset: 0, from: from, to: to };
      refreshCharts(generation, view.url);
    });
    new ResizeObserver(() => {
      charts.forEach((chart) => {
        const plot = chart.plot.root.parentNode;
        if (plot && plot.clientWidth) chart.plot.setSize({ width: Math.max(200, plot.clientWidth), height: 200 });
      });
    }).observe($("charts"));
    window.addEventListener("hashchange", route);
    route();
  }

  start();
})();
