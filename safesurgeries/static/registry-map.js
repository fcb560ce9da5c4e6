/* The map of Safe Surgeries: Leaflet with marker clustering, markers from the GeoJSON API.
   Popups are built with textContent only: listing data never becomes HTML. The messages come from the page
   (data-messages, in the page's language); "{count}", "{phone}" and "{date}" in them are filled in here. */
(function () {
  "use strict";
  var element = document.getElementById("registry-map");
  var status = document.getElementById("registry-map-status");
  if (!element || !window.L || !L.markerClusterGroup) { return; }
  var messages = JSON.parse(element.getAttribute("data-messages") || "{}");

  function message(name, fields) {
    var text = messages[name] || "";
    Object.keys(fields || {}).forEach(function (key) { text = text.split("{" + key + "}").join(fields[key]); });
    return text;
  }

  function say(text) { if (status) { status.textContent = text; } }

  function longDate(iso) {
    var date = new Date(iso + "T00:00:00Z");
    var options = {day: "numeric", month: "long", year: "numeric", timeZone: "UTC"};
    try { return date.toLocaleDateString(messages.date_locale || "en-GB", options); }
    catch (error) { return date.toLocaleDateString("en-GB", options); }
  }

  function add(parent, tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    parent.appendChild(node);
    return node;
  }

  function popup(p) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var heading = add(box, "p", "", "map-popup-name");
    var link = add(heading, "a", p.name);
    link.href = "/surgeries/" + encodeURIComponent(p.ods_code);
    link.target = "_top";
    add(box, "p", (p.address_lines || []).concat(p.postcode ? [p.postcode] : []).join(", "));
    if (p.phone) { add(box, "p", message("phone", {phone: p.phone})); }
    add(box, "p", message("since", {date: longDate(p.listed_since)}));
    add(box, "p", message("confirmed", {date: longDate(p.last_confirmed)}));
    return box;
  }

  var map = L.map(element, {scrollWheelZoom: false}).setView([52.9, -1.5], 6);
  L.tileLayer(element.getAttribute("data-tile-url"), {
    maxZoom: 19,
    attribution: element.getAttribute("data-attribution")
  }).addTo(map);
  // Searched from a place: show the radius searched within, and fit the map to it.
  var lat = element.getAttribute("data-centre-lat");
  var circle = null;
  if (lat !== null) {
    var centre = [parseFloat(lat), parseFloat(element.getAttribute("data-centre-lon"))];
    var radiusKm = parseFloat(element.getAttribute("data-radius-km"));
    if (radiusKm > 0) {
      circle = L.circle(centre, {radius: radiusKm * 1000, fill: false, weight: 2, interactive: false}).addTo(map);
      map.fitBounds(circle.getBounds());
    } else {
      map.setView(centre, 12);
    }
  }
  var clusters = L.markerClusterGroup();
  say(message("loading"));

  fetch(element.getAttribute("data-geojson-url"), {headers: {Accept: "application/geo+json"}})
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (data) {
      var shown = 0;
      data.features.forEach(function (feature) {
        if (!feature.geometry) { return; }
        var c = feature.geometry.coordinates;
        var marker = L.marker([c[1], c[0]], {title: feature.properties.name, alt: feature.properties.name});
        marker.bindPopup(function () { return popup(feature.properties); });
        clusters.addLayer(marker);
        shown += 1;
      });
      map.addLayer(clusters);
      if (lat === null && shown) {
        map.fitBounds(clusters.getBounds(), {maxZoom: 12, padding: [20, 20]});
      }
      // Searched from a nation where no practice is listed: the API says which nations the registry covers.
      if (data.notice) { say(data.notice); return; }
      say((shown === 1 ? message("one") : message("many", {count: String(shown)})) +
          (data.demo ? " " + message("demo") : ""));
    })
    .catch(function () {
      say(message("failed"));
    });
})();
