// Starts Swagger UI on our own OpenAPI document; kept out of the page so CSP needs no inline script.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: false,  // deep links put a link inside each operation button (axe: nested-interactive)
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
