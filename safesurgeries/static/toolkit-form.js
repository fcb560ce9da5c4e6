// Progressive enhancement for the toolkit form: practice search-as-you-type and a language filter.
// Without JavaScript, the "Find" button and the full list of languages do the same jobs.
(function () {
  "use strict";

  var search = document.querySelector("[data-practice-search]");
  var results = document.getElementById("find-results");
  var form = document.getElementById("details-form");
  var timer = null;

  function setField(name, value) {
    var field = form.elements[name];
    if (field) { field.value = value || ""; }
  }

  // The API gives the directory's capitals (name, address_lines) and the same as a person writes them.
  function writtenName(practice) { return practice.written_name || practice.name; }

  function choose(practice) {
    setField("practice_name", writtenName(practice));
    setField("ods_code", practice.ods_code);
    setField("address_lines", (practice.written_address_lines || practice.address_lines || []).join("\n"));
    setField("postcode", practice.postcode);
    setField("phone", practice.phone);
    results.textContent = "";
    var note = document.createElement("li");
    note.textContent = (search.dataset.filled || "{name}").split("{name}").join(writtenName(practice));
    results.appendChild(note);
    form.elements.practice_name.focus();
  }

  function show(practices, query) {
    results.textContent = "";
    if (!practices.length) {
      // Say so: an empty list would look like the search is still running, or broken.
      var none = document.createElement("li");
      none.className = "finder-no-match";
      none.textContent = (search.dataset.noMatch || "").split("{query}").join(query);
      results.appendChild(none);
      return;
    }
    practices.forEach(function (practice) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = writtenName(practice) + ", " + (practice.postcode || "") + " (" + practice.ods_code + ")" +
        (practice.status === "active" ? "" : " – " + practice.status);
      button.addEventListener("click", function () { choose(practice); });
      item.appendChild(button);
      results.appendChild(item);
    });
  }

  if (search && results && form) {
    search.addEventListener("input", function () {
      clearTimeout(timer);
      var query = search.value.trim();
      if (query.length < 2) { results.textContent = ""; return; }
      timer = setTimeout(function () {
        fetch(search.dataset.api + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { practices: [] }; })
          .then(function (body) { if (search.value.trim() === query) { show(body.practices, query); } })
          .catch(function () { /* the Find button still works */ });
      }, 200);
    });
  }

  var filter = document.querySelector("[data-language-filter]");
  if (filter) {
    filter.hidden = false;
    document.querySelector("[data-language-filter-label]").hidden = false;
    filter.addEventListener("input", function () {
      var text = filter.value.trim().toLowerCase();
      document.querySelectorAll("[data-language-name]").forEach(function (item) {
        item.hidden = text !== "" && item.dataset.languageName.indexOf(text) === -1;
      });
    });
  }
})();
