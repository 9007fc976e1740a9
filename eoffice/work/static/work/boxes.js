// Work box: "/" focuses the search box, the header checkbox selects every row shown.
(function () {
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.target.closest("input, textarea, select")) return;
    var box = document.getElementById("id_q");
    if (box) { event.preventDefault(); box.focus(); }
  });
  document.addEventListener("change", function (event) {
    if (event.target.id !== "select-all") return;
    document.querySelectorAll('#box-table input[name="line"]').forEach(function (cb) {
      cb.checked = event.target.checked;
    });
  });
})();
