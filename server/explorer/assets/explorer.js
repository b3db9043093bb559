// learnd API explorer boot script.
//
// Loads config.json (served beside this file), boots Swagger UI on the spec
// it names, and — in dev mode only, when config.json lists demoTokens — shows
// a banner whose buttons authorize the UI with a ready-made bearer token.
// Kept free of inline code so the page runs under a strict CSP.
(function () {
  "use strict";

  var DEFAULT_SCHEME = "bearerAuth";

  function showError(message) {
    var el = document.getElementById("explorer-error");
    el.textContent = "The API explorer could not start: " + message;
    el.hidden = false;
  }

  function loadConfig() {
    return fetch("config.json", { cache: "no-store", credentials: "same-origin" })
      .then(function (res) {
        if (!res.ok) {
          throw new Error("GET config.json answered " + res.status);
        }
        return res.json();
      });
  }

  function boot(cfg) {
    if (typeof window.SwaggerUIBundle !== "function") {
      throw new Error("swagger-ui-bundle.js did not load");
    }
    if (cfg.title) {
      document.title = cfg.title;
    }
    var scheme = cfg.securityScheme || DEFAULT_SCHEME;
    var tokens = Array.isArray(cfg.demoTokens) ? cfg.demoTokens : [];
    var banner = tokens.length ? renderBanner(tokens) : null;

    var ui = window.SwaggerUIBundle({
      url: cfg.specUrl,
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      tryItOutEnabled: true,
      displayRequestDuration: true,
      // The public validator badge would call out to the internet.
      validatorUrl: null,
      presets: [window.SwaggerUIBundle.presets.apis],
      plugins: [codeSamplesPlugin],
      layout: "BaseLayout",
      onComplete: function () {
        if (banner) {
          banner.ready(ui, scheme);
        }
      }
    });
    // Handy from the browser console, and for the e2e check.
    window.ui = ui;
  }

  // codeSamplesPlugin shows an open operation's x-codeSamples (a curl command and a Go SDK
  // call, generated from the contract; the server adds them to the spec it serves) above its
  // parameters, each with a copy button.
  function codeSamplesPlugin() {
    return {
      wrapComponents: {
        parameters: function (Original, system) {
          var h = system.React.createElement;
          return function (props) {
            var op = props.operation;
            var samples = op && op.get ? op.get("x-codeSamples") : null;
            var original = h(Original, props);
            if (!samples || !samples.size) {
              return original;
            }
            var items = samples.toArray().map(function (s, i) {
              var label = s.get("label") || s.get("lang");
              var source = s.get("source") || "";
              return h("div", { key: i, className: "code-sample", "data-lang": s.get("lang") },
                h("div", { className: "code-sample__head" },
                  h("span", { className: "code-sample__label" }, label),
                  h("button", {
                    type: "button", className: "code-sample__copy",
                    onClick: function () {
                      if (navigator.clipboard) {
                        navigator.clipboard.writeText(source);
                      }
                    }
                  }, "Copy")),
                h("pre", { className: "code-sample__source" }, h("code", null, source)));
            });
            return h("div", null,
              h("div", { className: "code-samples" },
                h("h4", { className: "code-samples__title" }, "Code samples"),
                h("p", { className: "code-samples__hint" },
                  "After `source .data/demo.env` (written by make run): LEARND_URL and a token per role."),
                items),
              original);
          };
        }
      }
    };
  }

  // renderBanner draws "Dev mode — demo tokens:" with one button per token.
  // Buttons stay disabled until the spec has loaded, because authorizing
  // needs the security scheme definition from the spec.
  function renderBanner(tokens) {
    var el = document.getElementById("demo-banner");
    var title = document.createElement("span");
    title.className = "demo-banner__title";
    title.textContent = "Dev mode \u2014 demo tokens:";
    el.appendChild(title);

    var buttons = tokens.map(function (t) {
      var b = document.createElement("button");
      b.type = "button";
      b.disabled = true;
      b.textContent = "Use token: " + t.label;
      b.title = "Authorize every request with the demo token \u201c" + t.label + "\u201d";
      b.setAttribute("aria-pressed", "false");
      b.dataset.label = t.label;
      el.appendChild(b);
      return b;
    });

    var clear = document.createElement("button");
    clear.type = "button";
    clear.disabled = true;
    clear.className = "demo-banner__clear";
    clear.textContent = "Log out";
    el.appendChild(clear);

    var status = document.createElement("span");
    status.className = "demo-banner__status";
    status.setAttribute("aria-live", "polite");
    status.textContent = "Loading the API description\u2026";
    el.appendChild(status);
    el.hidden = false;

    return {
      ready: function (ui, scheme) {
        function current() {
          var auth = ui.authSelectors.authorized();
          return auth && auth.getIn ? auth.getIn([scheme, "value"]) : undefined;
        }
        function refresh() {
          var value = current();
          var active = null;
          buttons.forEach(function (b, i) {
            var on = value !== undefined && value === tokens[i].token;
            b.setAttribute("aria-pressed", on ? "true" : "false");
            if (on && !active) {
              active = tokens[i].label;
            }
          });
          clear.disabled = value === undefined;
          if (active) {
            status.textContent = "Active token: " + active;
          } else if (value !== undefined) {
            status.textContent = "Active token: your own (entered via Authorize)";
          } else {
            status.textContent = "No token active";
          }
        }

        buttons.forEach(function (b, i) {
          b.disabled = false;
          b.addEventListener("click", function () {
            // preauthorizeApiKey looks the scheme up in the spec and stores
            // {value, schema}; for an HTTP bearer scheme Swagger UI then sends
            // "Authorization: Bearer <value>".
            if (ui.preauthorizeApiKey(scheme, tokens[i].token) === null) {
              status.textContent = "The spec has no security scheme \u201c" + scheme + "\u201d";
              return;
            }
            ui.authActions.persistAuthorizationIfNeeded();
          });
        });
        clear.addEventListener("click", function () {
          ui.authActions.logoutWithPersistOption([scheme]);
        });

        var last;
        ui.getStore().subscribe(function () {
          var value = current();
          if (value !== last) {
            last = value;
            refresh();
          }
        });
        last = current();
        refresh();
      }
    };
  }

  function start() {
    loadConfig().then(boot).catch(function (err) {
      showError(err && err.message ? err.message : String(err));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
