/* The map of Safe Surgeries: Leaflet with marker clustering, markers from the GeoJSON API.
   Popups are built with textContent only: listing data never becomes HTML. */
(function () {
  "use strict";
  var element = document.getElementById("registry-map");
  var status = document.getElementById("registry-map-status");
  if (!element || !window.L || !L.markerClusterGroup) { return; }

  function say(text) { if (status) { status.textContent = text; } }

  function longDate(iso) {
    var date = new Date(iso + "T00:00:00Z");
    return date.toLocaleDateString("en-GB", {day: "numeric", month: "long", year: "numeric", timeZone: "UTC"});
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
    if (p.phone) { add(box, "p", "Phone: " + p.phone); }
    add(box, "p", "Safe Surgery since " + longDate(p.listed_since));
    add(box, "p", "last confirmed " + longDate(p.last_confirmed));
    return box;
  }

  var map = L.map(element, {scrollWheelZoom: false}).setView([52.9, -1.5], 6);
  L.tileLayer(element.getAttribute("data-tile-url"), {
    maxZoom: 19,
    attribution: element.getAttribute("data-attribution")
  }).addTo(map);
  var clusters = L.markerClusterGroup();
  say("Loading Safe Surgeries…");

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
      var lat = element.getAttribute("data-centre-lat");
      if (lat !== null) {
        map.setView([parseFloat(lat), parseFloat(element.getAttribute("data-centre-lon"))], 12);
      } else if (shown) {
        map.fitBounds(clusters.getBounds(), {maxZoom: 12, padding: [20, 20]});
      }
      // Searched from a nation where no practice is listed: the API says which nations the registry covers.
      if (data.notice) { say(data.notice); return; }
      say((shown === 1 ? "1 Safe Surgery on the map." : shown + " Safe Surgeries on the map.") +
          (data.demo ? " These listings are demo data, not real Safe Surgeries." : ""));
    })
    .catch(function () {
      say("The map could not load the Safe Surgeries. Use the list instead.");
    });
})();
