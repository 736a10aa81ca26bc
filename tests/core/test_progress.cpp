#include <bluecarbon/core/progress.hpp>

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace bluecarbon;

namespace {
int count_of(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
}
}  // namespace

TEST_CASE("Plain progress prints a line per 10 percent, ending at 100%", "[progress]") {
    std::ostringstream out;
    {
        Progress p("indices", 200, ProgressStyle::lines, out);
        for (int i = 0; i < 200; ++i) p.advance();
        p.finish();
    }
    const std::string text = out.str();
    CHECK(count_of(text, "\n") == 11);  // 0% (first tick rounds down to 0), 10%, ..., 100%
    CHECK(text.find("indices: 50%\n") != std::string::npos);
    CHECK(count_of(text, "indices: 100%") == 1);
}

TEST_CASE("A terminal bar redraws in place - quiet prints nothing", "[progress]") {
    std::ostringstream bar, quiet;
    {
        Progress p("stock", 4, ProgressStyle::bar, bar);
        for (int i = 0; i < 4; ++i) p.advance();
    }
    CHECK(bar.str().find('\r') != std::string::npos);
    CHECK(bar.str().back() == '\n');
    CHECK(count_of(bar.str(), "\n") == 1);
    {
        Progress p("stock", 4, ProgressStyle::quiet, quiet);
        p.advance(4);
        p.finish();
    }
    CHECK(quiet.str().empty());
    CHECK(Progress::style_for(true, true) == ProgressStyle::quiet);
    CHECK(Progress::style_for(false, true) == ProgressStyle::bar);
    CHECK(Progress::style_for(false, false) == ProgressStyle::lines);
}

TEST_CASE("Progress counts correctly from many threads", "[progress]") {
    std::ostringstream out;
    Progress p("work", 8000, ProgressStyle::quiet, out);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) p.advance();
        });
    for (auto& t : threads) t.join();
    CHECK(p.done() == 8000);
}
