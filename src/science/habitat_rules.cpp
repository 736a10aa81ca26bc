#include <bluecarbon/error.hpp>
#include <bluecarbon/science/habitat_rules.hpp>

#include "science/rule_program.hpp"

#include <fmt/format.h>
#include <muParser.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <regex>
#include <set>
#include <stdexcept>

namespace bluecarbon::science {

std::string SceneStatistic::key() const {
    if (kind == Kind::otsu) return fmt::format("otsu({})", variable);
    return fmt::format("percentile({}, {})", variable, p);
}

namespace {

// Logical synonyms. muparser's own && and || stay the fast built-ins; these are for rules written in words.
mu::value_type op_and(mu::value_type a, mu::value_type b) { return (a != 0 && b != 0) ? 1.0 : 0.0; }
mu::value_type op_or(mu::value_type a, mu::value_type b) { return (a != 0 || b != 0) ? 1.0 : 0.0; }
mu::value_type op_not(mu::value_type a) { return a == 0 ? 1.0 : 0.0; }
// Placeholders so the validation parser accepts the statistics calls in place (keeping error positions).
mu::value_type stat1(mu::value_type a) { return a; }
mu::value_type stat2(mu::value_type a, mu::value_type) { return a; }

void add_operators(mu::Parser& p) {
    p.DefineOprt("and", op_and, mu::prLAND);
    p.DefineOprt("or", op_or, mu::prLOR);
    p.DefineInfixOprt("!", op_not);
}

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

struct StatCall {
    std::size_t begin{0}, end{0};  // [begin, end) in the expression
    SceneStatistic stat;
};

[[noreturn]] void fail(const HabitatRule& r, const std::string& what) {
    throw ConfigError(fmt::format("{}: {} in \"{}\"", r.origin, what, r.expression));
}

// Finds every otsu(name) / percentile(name, p) call. Any other use of those two names is an error.
std::vector<StatCall> find_stat_calls(const HabitatRule& r) {
    const std::string& e = r.expression;
    std::vector<StatCall> calls;
    std::size_t i = 0;
    while (i < e.size()) {
        if (!is_name_start(e[i]) || (i > 0 && (is_name_char(e[i - 1]) || e[i - 1] == '.'))) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < e.size() && is_name_char(e[j])) ++j;
        const std::string word = e.substr(i, j - i);
        if (word != "otsu" && word != "percentile") {
            i = j;
            continue;
        }
        const std::size_t start = i;
        auto skip_ws = [&] {
            while (j < e.size() && std::isspace(static_cast<unsigned char>(e[j]))) ++j;
        };
        auto bad = [&](const std::string& why) {
            fail(r, fmt::format("{}() at position {}: {}", word, start + 1, why));
        };
        skip_ws();
        if (j >= e.size() || e[j] != '(') bad("expected '(' after the name");
        ++j;
        skip_ws();
        std::size_t k = j;
        while (k < e.size() && is_name_char(e[k])) ++k;
        if (k == j || !is_name_start(e[j])) bad("the argument must be a band or index name");
        StatCall call;
        call.stat.variable = e.substr(j, k - j);
        j = k;
        skip_ws();
        if (word == "percentile") {
            call.stat.kind = SceneStatistic::Kind::percentile;
            if (j >= e.size() || e[j] != ',') bad("expected percentile(name, p)");
            ++j;
            skip_ws();
            const char* begin = e.c_str() + j;
            char* endp = nullptr;
            const double p = std::strtod(begin, &endp);
            if (endp == begin) bad("p must be a number");
            if (!(p >= 0.0 && p <= 100.0)) bad(fmt::format("p must be within 0..100, got {}", p));
            call.stat.p = p;
            j += static_cast<std::size_t>(endp - begin);
            skip_ws();
        }
        if (j >= e.size() || e[j] != ')') bad(word == "otsu" ? "expected otsu(name)" : "expected percentile(name, p)");
        ++j;
        call.begin = start;
        call.end = j;
        calls.push_back(call);
        i = j;
    }
    return calls;
}

// muparser's messages end in " at position N." (0-based); we print our own 1-based position instead.
std::string clean_message(std::string msg) {
    static const std::regex pos_suffix(R"(\s*(found )?at (expression )?position \d+\.?)");
    msg = std::regex_replace(msg, pos_suffix, "");
    while (!msg.empty() && (msg.back() == '.' || msg.back() == ' ')) msg.pop_back();
    if (!msg.empty()) msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
    return msg;
}

std::string format_number(double v) { return fmt::format("({:.17g})", v); }

}  // namespace

HabitatRules::HabitatRules(std::vector<HabitatRule> rules, Habitat fallback, std::vector<std::string> known_variables,
                           std::map<std::string, std::string> hint)
    : m_rules(std::move(rules)), m_fallback(fallback) {
    std::sort(known_variables.begin(), known_variables.end());
    known_variables.erase(std::unique(known_variables.begin(), known_variables.end()), known_variables.end());
    const std::set<std::string> known(known_variables.begin(), known_variables.end());
    auto known_list = [&] {
        std::string s;
        for (const auto& k : known_variables) s += (s.empty() ? "" : ", ") + k;
        return s;
    };
    std::set<std::string> all_vars, pixel_vars;
    std::set<std::string> stat_keys;

    for (const auto& rule : m_rules) {
        if (std::all_of(rule.expression.begin(), rule.expression.end(),
                        [](char c) { return std::isspace(static_cast<unsigned char>(c)); }))
            throw ConfigError(fmt::format("{}: the rule is empty", rule.origin));

        // muparser takes a lone `=` as assignment to a variable: `intertidal = 1` would be accepted and be true
        // wherever the value assigned is non-zero. A rule only compares, so `=` is a syntax error.
        for (std::size_t i = 0; i < rule.expression.size(); ++i) {
            if (rule.expression[i] != '=') continue;
            const char before = i > 0 ? rule.expression[i - 1] : ' ';
            const char after = i + 1 < rule.expression.size() ? rule.expression[i + 1] : ' ';
            if (after == '=') {
                ++i;  // `==`
                continue;
            }
            if (before == '<' || before == '>' || before == '!') continue;  // `<=`, `>=`, `!=`
            fail(rule, fmt::format("syntax error at position {}: `=` assigns; write `==` to compare", i + 1));
        }

        const auto calls = find_stat_calls(rule);
        for (const auto& c : calls) {
            if (!known.count(c.stat.variable)) {
                std::string msg = fmt::format("unknown name \"{}\" at position {}", c.stat.variable,
                                              rule.expression.find(c.stat.variable, c.begin) + 1);
                if (auto h = hint.find(c.stat.variable); h != hint.end()) msg += " (" + h->second + ")";
                fail(rule, msg + "; known names: " + known_list());
            }
        }

        // Validation parse of the expression as written, so positions in messages are the user's.
        std::vector<double> dummies(known_variables.size(), 1.0);
        mu::Parser check;
        add_operators(check);
        check.DefineFun("otsu", stat1);
        check.DefineFun("percentile", stat2);
        for (std::size_t i = 0; i < known_variables.size(); ++i) check.DefineVar(known_variables[i], &dummies[i]);
        try {
            check.SetExpr(rule.expression);
            (void)check.Eval();
        } catch (const mu::Parser::exception_type& e) {
            const auto pos = static_cast<std::size_t>(std::max(0, e.GetPos())) + 1;
            if (e.GetCode() == mu::ecUNASSIGNABLE_TOKEN && !e.GetToken().empty() && is_name_start(e.GetToken()[0])) {
                std::string name = e.GetToken();
                std::size_t n = 0;
                while (n < name.size() && is_name_char(name[n])) ++n;
                name.resize(n);
                std::string msg = fmt::format("unknown name \"{}\" at position {}", name, pos);
                if (auto h = hint.find(name); h != hint.end()) msg += " (" + h->second + ")";
                fail(rule, msg + "; known names: " + known_list());
            }
            fail(rule, fmt::format("syntax error at position {}: {}", pos, clean_message(e.GetMsg())));
        }
        for (const auto& [name, ptr] : check.GetUsedVar()) all_vars.insert(name);

        // The per-pixel names: the expression with every statistics call replaced by a constant.
        Compiled compiled;
        std::string stripped = rule.expression;
        for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
            stripped.replace(it->begin, it->end - it->begin, "(0)");
            stat_keys.insert(it->stat.key());
            m_statistics.push_back(it->stat);
        }
        mu::Parser vars;
        add_operators(vars);
        for (std::size_t i = 0; i < known_variables.size(); ++i) vars.DefineVar(known_variables[i], &dummies[i]);
        try {
            vars.SetExpr(stripped);
            (void)vars.Eval();
        } catch (const mu::Parser::exception_type& e) {
            fail(rule, "cannot be evaluated: " + clean_message(e.GetMsg()));
        }
        for (const auto& [name, ptr] : vars.GetUsedVar()) {
            compiled.pixel_vars.push_back(name);
            pixel_vars.insert(name);
        }
        compiled.evaluable = calls.empty() ? rule.expression : std::string{};
        m_compiled.push_back(std::move(compiled));
    }
    std::sort(m_statistics.begin(), m_statistics.end());
    m_statistics.erase(std::unique(m_statistics.begin(), m_statistics.end(),
                                   [](const auto& a, const auto& b) { return a.key() == b.key(); }),
                       m_statistics.end());
    for (const auto& s : m_statistics) all_vars.insert(s.variable);
    m_variables.assign(all_vars.begin(), all_vars.end());
    m_pixel_variables.assign(pixel_vars.begin(), pixel_vars.end());
    m_statistics_set = m_statistics.empty();
    if (m_statistics_set) compile_programs();
}

void HabitatRules::compile_programs() {
    for (auto& c : m_compiled) {
        // The rule's own variables at addresses of our choosing; the bytecode refers to them by address.
        std::vector<double> dummies(c.pixel_vars.size(), 1.0);
        std::vector<const double*> addresses;
        mu::Parser p;
        add_operators(p);
        for (std::size_t i = 0; i < c.pixel_vars.size(); ++i) {
            p.DefineVar(c.pixel_vars[i], &dummies[i]);
            addresses.push_back(&dummies[i]);
        }
        p.SetExpr(c.evaluable);
        (void)p.Eval();  // builds the bytecode
        auto program = detail::RuleProgram::compile(p, addresses);
        c.program = program ? std::make_shared<const detail::RuleProgram>(std::move(*program)) : nullptr;
    }
}

std::size_t HabitatRules::block_evaluated_rules() const noexcept {
    return static_cast<std::size_t>(
        std::count_if(m_compiled.begin(), m_compiled.end(), [](const Compiled& c) { return c.program != nullptr; }));
}

void HabitatRules::set_statistics(const std::map<std::string, double>& values) {
    for (const auto& s : m_statistics) {
        auto it = values.find(s.key());
        if (it == values.end()) throw ConfigError(fmt::format("habitat rules: no value for {}", s.key()));
        if (!std::isfinite(it->second))
            throw ConfigError(fmt::format("habitat rules: {} is undefined on this scene", s.key()));
    }
    for (std::size_t r = 0; r < m_rules.size(); ++r) {
        const auto calls = find_stat_calls(m_rules[r]);
        std::string text = m_rules[r].expression;
        for (auto it = calls.rbegin(); it != calls.rend(); ++it)
            text.replace(it->begin, it->end - it->begin, format_number(values.at(it->stat.key())));
        m_compiled[r].evaluable = std::move(text);
    }
    m_statistics_set = true;
    compile_programs();
}

void HabitatRules::classify(const std::map<std::string, RuleVariable>& variables,
                            std::span<const std::uint8_t> base_valid, std::span<std::uint8_t> out) const {
    if (!m_statistics_set) throw std::logic_error("HabitatRules::classify: scene statistics not set");
    const std::size_t n = out.size();
    if (base_valid.size() != n) throw std::invalid_argument("HabitatRules::classify: spans of different lengths");
    if (n > std::numeric_limits<std::uint32_t>::max())
        throw std::invalid_argument("HabitatRules::classify: tile too large");
    for (const auto& name : m_pixel_variables) {
        auto it = variables.find(name);
        if (it == variables.end()) throw std::invalid_argument("HabitatRules::classify: missing variable " + name);
        if (it->second.values.size() != n || it->second.valid.size() != n)
            throw std::invalid_argument("HabitatRules::classify: variable " + name + " has the wrong length");
    }

    // Pixels not yet claimed by a rule hold 0; the tile is evaluated in blocks, and a rule skips the blocks in
    // which every pixel is already claimed (or invalid).
    constexpr std::uint8_t unassigned = 0;
    constexpr std::size_t block = detail::RuleProgram::k_block;
    const std::size_t blocks = (n + block - 1) / block;
    thread_local std::vector<std::uint32_t> open_in_block;
    thread_local std::vector<double> stack, result;
    thread_local std::vector<std::uint8_t> take;
    open_in_block.assign(blocks, 0);
    std::size_t remaining = 0;
    {
        // Raw restrict pointers: stores through a uint8_t pointer may alias anything, so with the spans the
        // compiler would reload every pointer after each store and not vectorise.
        const std::uint8_t* __restrict valid = base_valid.data();
        std::uint8_t* __restrict o = out.data();
        for (std::size_t b = 0; b < blocks; ++b) {
            const std::size_t first = b * block, count = std::min(block, n - first);
            std::uint32_t open = 0;
            for (std::size_t k = 0; k < count; ++k) {
                const std::uint8_t ok = valid[first + k] != 0 ? 1 : 0;
                o[first + k] = ok != 0 ? unassigned : k_habitat_nodata;
                open += ok;
            }
            open_in_block[b] = open;
            remaining += open;
        }
    }
    std::vector<const float*> values;
    std::vector<const std::uint8_t*> masks;
    for (std::size_t r = 0; r < m_rules.size() && remaining > 0; ++r) {
        const auto& c = m_compiled[r];
        values.clear();
        masks.clear();
        for (const auto& name : c.pixel_vars) {
            const auto& v = variables.at(name);
            values.push_back(v.values.data());
            masks.push_back(v.valid.data());
        }
        const auto code = static_cast<std::uint8_t>(m_rules[r].habitat);
        // A rule holds where it evaluates to a finite non-zero value and every variable it reads is valid.
        auto settle = [&](std::size_t i, double v) {
            bool ok = v != 0.0 && std::isfinite(v);
            for (const auto* m : masks) ok = ok && m[i] != 0;
            if (!ok) return;
            out[i] = code;
            --open_in_block[i / block];
            --remaining;
        };
        if (c.program) {
            stack.resize(c.program->max_depth() * block);
            result.resize(block);
            take.resize(block);
            for (std::size_t b = 0; b < blocks && remaining > 0; ++b) {
                if (open_in_block[b] == 0) continue;
                const std::size_t first = b * block, count = std::min(block, n - first);
                c.program->run(values, nullptr, first, count, stack.data(), result.data());
                // settle() for the block, as separate branch-free loops the compiler vectorises (v - v == 0
                // is false for NaN and +-inf).
                std::uint8_t* __restrict o = out.data() + first;
                std::uint8_t* __restrict t = take.data();
                const double* __restrict res = result.data();
                for (std::size_t k = 0; k < count; ++k) {
                    const double v = res[k];
                    t[k] = static_cast<std::uint8_t>((o[k] == unassigned) & (v != 0.0) & (v - v == 0.0));
                }
                for (const auto* m : masks) {
                    const std::uint8_t* __restrict mk = m + first;
                    for (std::size_t k = 0; k < count; ++k) t[k] &= static_cast<std::uint8_t>(mk[k] != 0);
                }
                std::uint32_t taken = 0;
                for (std::size_t k = 0; k < count; ++k) {
                    o[k] = t[k] != 0 ? code : o[k];
                    taken += t[k];
                }
                open_in_block[b] -= taken;
                remaining -= taken;
            }
        } else {
            // muparser's bulk mode over the open pixels (it reads doubles; invalid pixels are fed as 0 and the
            // rule is false there through the validity masks).
            thread_local std::vector<std::uint32_t> open;
            open.clear();
            for (std::size_t i = 0; i < n; ++i)
                if (out[i] == unassigned) open.push_back(static_cast<std::uint32_t>(i));
            const std::size_t m = open.size();
            std::vector<std::vector<double>> buffers(c.pixel_vars.size(), std::vector<double>(m));
            mu::Parser p;
            add_operators(p);
            for (std::size_t j = 0; j < c.pixel_vars.size(); ++j) {
                for (std::size_t k = 0; k < m; ++k) {
                    const std::uint32_t i = open[k];
                    buffers[j][k] = masks[j][i] ? static_cast<double>(values[j][i]) : 0.0;
                }
                p.DefineVar(c.pixel_vars[j], buffers[j].data());
            }
            p.SetExpr(c.evaluable);
            result.resize(m);
            p.Eval(result.data(), static_cast<int>(m));
            for (std::size_t k = 0; k < m; ++k) settle(open[k], result[k]);
        }
    }
    if (remaining > 0) {
        const auto fallback = static_cast<std::uint8_t>(m_fallback);
        for (std::size_t i = 0; i < n; ++i)
            if (out[i] == unassigned) out[i] = fallback;
    }
}

}  // namespace bluecarbon::science
