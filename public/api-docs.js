// Starts Swagger UI on the API reference page, reading the live document.
window.addEventListener("load", function () {
  window.SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#api",
    deepLinking: true,
    tryItOutEnabled: false,
  });
});
