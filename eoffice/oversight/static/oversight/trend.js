// The trend chart of the processing-time page: handled lines (bars), on-time rate and median (lines).
(function () {
  const source = document.getElementById("trend-data");
  const canvas = document.getElementById("trend-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const labels = JSON.parse(canvas.closest("section").dataset.labels || "{}");
  new Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        { type: "bar", label: labels.handled || "Đã xử lý", data: data.handled, yAxisID: "count", backgroundColor: "#9ec5fe" },
        { type: "line", label: labels.rate || "Tỷ lệ đúng hạn", data: data.on_time_rate, yAxisID: "rate", borderColor: "#198754" },
        { type: "line", label: labels.median || "Trung vị (giờ)", data: data.median_hours, yAxisID: "hours", borderColor: "#dc3545" },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        count: { type: "linear", position: "left", beginAtZero: true },
        rate: { type: "linear", position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } },
        hours: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false } },
      },
    },
  });
})();
