// The report as a person sees it: loaded in headless Chromium (Debian `chromium`). The page must log nothing
// to the console and every <img> must decode (non-zero natural size); a screenshot is left in the build tree
// (tests/report_chromium/report_screenshot.png) for a person to look at. Each detector is first shown to
// catch a deliberately broken page, so a silent Chromium cannot pass the test.
#include "png_pixels.hpp"
#include "sample_report.hpp"

#include "support/file_text.hpp"
#include "support/temp_dir.hpp"

#include <bluecarbon/report/html_report.hpp>

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace bluecarbon;
namespace fs = std::filesystem;

namespace {

using bluecarbon::test::slurp;

void spit(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

std::string quote(const std::string& s) {
    std::string q = "'";
    for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

struct Browser {
    std::string dom;     // --dump-dom output
    std::string log;     // Chromium's log, console messages included
    int exit_code{-1};
};

/// One headless Chromium run over a local page, bounded by `timeout` (a hung browser fails the test, it does
/// not hang it). --no-sandbox: the tests may run as root in a container.
Browser chromium(const fs::path& page, const fs::path& work, const std::string& mode) {
    const char* exe = std::getenv("BLUECARBON_CHROMIUM");
    const fs::path out = work / "chromium.out";
    const fs::path err = work / "chromium.err";
    const std::string cmd = "timeout -k 10 120 " + quote(exe ? exe : "chromium") +
                            " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
                            " --disable-extensions --hide-scrollbars --enable-logging=stderr --v=0"
                            " --run-all-compositor-stages-before-draw"  // complete frames in screenshots
                            " --virtual-time-budget=5000 --user-data-dir=" +
                            quote((work / "profile").string()) + " " + mode + " " +
                            quote("file://" + fs::absolute(page).string()) + " >" + quote(out.string()) + " 2>" +
                            quote(err.string());
    const int status = std::system(cmd.c_str());
    Browser b;
    b.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    b.dom = slurp(out);
    b.log = slurp(err);
    return b;
}

/// Console messages Chromium logged (its log marks them ":CONSOLE").
std::vector<std::string> console_lines(const std::string& log) {
    std::vector<std::string> out;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);)
        if (line.find(":CONSOLE") != std::string::npos) out.push_back(line);
    return out;
}

/// Inserted at the top of <head> of a copy of the page: after load, lists every image's natural size, every
/// inline SVG's drawn size and every error event (failed loads included) into <pre id="bc-check">.
constexpr const char* k_probe = R"(<script>
(function () {
  var errs = [];
  window.addEventListener('error', function (e) {
    var t = e.target;
    errs.push('ERR ' + (t && t.getAttribute && t.getAttribute('src') ? 'load ' + t.getAttribute('src') : e.message));
  }, true);
  window.addEventListener('load', function () {
    var out = [];
    for (var i = 0; i < document.images.length; i++) {
      var im = document.images[i];
      out.push('IMG ' + im.getAttribute('src') + ' ' + im.naturalWidth + ' ' + im.naturalHeight);
    }
    var svgs = document.querySelectorAll('svg');
    for (var j = 0; j < svgs.length; j++) {
      var r = svgs[j].getBoundingClientRect();
      out.push('SVG ' + Math.round(r.width) + ' ' + Math.round(r.height));
    }
    out = out.concat(errs);
    var pre = document.createElement('pre');
    pre.id = 'bc-check';
    pre.textContent = out.join('\n');
    document.body.appendChild(pre);
  });
})();
</script>
)";

/// The probe's lines from a dumped DOM (empty when the probe never ran).
std::vector<std::string> probe_lines(const fs::path& page, const fs::path& work) {
    std::string html = slurp(page);
    const auto head = html.find("<head>");
    REQUIRE(head != std::string::npos);
    html.insert(head + 6, k_probe);
    const fs::path probe_page = page.parent_path() / ".probe.html";  // beside the page: same relative links
    spit(probe_page, html);
    const Browser b = chromium(probe_page, work, "--dump-dom");
    fs::remove(probe_page);
    REQUIRE(b.exit_code == 0);
    const auto start = b.dom.find("<pre id=\"bc-check\">");
    if (start == std::string::npos) return {};
    const auto end = b.dom.find("</pre>", start);
    std::istringstream in(b.dom.substr(start + 19, end - start - 19));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("The detectors catch a broken page", "[report][chromium]") {
    test::TempDir work("bluecarbon-chromium");
    const fs::path page = work / "broken.html";
    spit(page, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"></head><body>"
               "<img src=\"missing.png\"><script>console.error('deliberate');</script></body></html>\n");
    const Browser b = chromium(page, work.path(), "--dump-dom");
    REQUIRE(b.exit_code == 0);
    const auto console = console_lines(b.log);
    REQUIRE(console.size() == 1);
    CHECK(console[0].find("deliberate") != std::string::npos);
    const auto lines = probe_lines(page, work.path());
    CHECK(std::find(lines.begin(), lines.end(), "IMG missing.png 0 0") != lines.end());
    CHECK(std::find(lines.begin(), lines.end(), "ERR load missing.png") != lines.end());
}

TEST_CASE("The report loads in headless Chromium: no console message, every image drawn", "[report][chromium]") {
    const fs::path dir = fs::path(BLUECARBON_TEST_BINARY_DIR) / "report_chromium";
    fs::remove_all(dir);
    auto data = test::sample_data();
    data.generated_unix_s = 1700000000;
    const report::ReportPaths paths = report::write_report(data, dir);
    test::TempDir work("bluecarbon-chromium");

    const Browser b = chromium(paths.html, work.path(), "--dump-dom");
    REQUIRE(b.exit_code == 0);
    CHECK(b.dom.find("id=\"lot-table\"") != std::string::npos);  // the page really loaded
    const auto console = console_lines(b.log);
    INFO("console: " << (console.empty() ? std::string() : console.front()));
    CHECK(console.empty());

    const auto lines = probe_lines(paths.html, work.path());
    int images = 0, svgs = 0;
    for (const auto& line : lines) {
        INFO(line);
        CHECK(line.rfind("ERR", 0) != 0);
        std::istringstream in(line);
        std::string kind, src;
        int w = 0, h = 0;
        if (line.rfind("IMG ", 0) == 0) {
            in >> kind >> src >> w >> h;
            ++images;
            const report::RenderedMap m = report::render_map(
                data.maps[static_cast<std::size_t>(images - 1)], data.outlines);
            CHECK(src == "report/" + data.maps[static_cast<std::size_t>(images - 1)].name + ".png");
            CHECK(w == m.width);  // decoded at the size the PNG was drawn
            CHECK(h == m.height);
        } else if (line.rfind("SVG ", 0) == 0) {
            in >> kind >> w >> h;
            ++svgs;
            CHECK(w > 100);
            CHECK(h > 100);
        }
    }
    CHECK(images == 2);
    CHECK(svgs == 3);

    // A screenshot of the whole page (about 3,800 px tall at this width) for a person to look at.
    const fs::path shot = dir / "report_screenshot.png";
    const Browser s = chromium(paths.html, work.path(),
                               "--window-size=1280,4000 --screenshot=" + quote(shot.string()));
    REQUIRE(s.exit_code == 0);
    REQUIRE(fs::exists(shot));
    const test::PngPixels img(slurp(shot));
    CHECK(img.width() == 1280);
    // The habitat map's mangrove green made it onto the screen.
    int green = 0;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2) green += img.at(x, y) == test::k_mangrove;
    CHECK(green > 1000);
}
