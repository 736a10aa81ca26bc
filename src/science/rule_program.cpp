#include "science/rule_program.hpp"

#include <algorithm>
#include <cmath>

namespace bluecarbon::science::detail {

std::optional<RuleProgram> RuleProgram::compile(const mu::ParserBase& parser,
                                                std::span<const double* const> variable_addresses) {
    const mu::ParserByteCode& bc = parser.GetByteCode();
    if (bc.GetSize() == 0) return std::nullopt;
    const mu::SToken* tok = bc.GetBase();
    RuleProgram prog;
    std::size_t depth = 0;
    auto variable = [&](const double* p) -> int {
        const auto it = std::find(variable_addresses.begin(), variable_addresses.end(), p);
        return it == variable_addresses.end() ? -1 : static_cast<int>(it - variable_addresses.begin());
    };
    for (std::size_t i = 0; i < bc.GetSize(); ++i) {
        const mu::SToken& t = tok[i];
        Instr in;
        int pops = 0, pushes = 0;
        switch (t.Cmd) {
            case mu::cmLE: in.op = Op::le; pops = 2; pushes = 1; break;
            case mu::cmGE: in.op = Op::ge; pops = 2; pushes = 1; break;
            case mu::cmNEQ: in.op = Op::neq; pops = 2; pushes = 1; break;
            case mu::cmEQ: in.op = Op::eq; pops = 2; pushes = 1; break;
            case mu::cmLT: in.op = Op::lt; pops = 2; pushes = 1; break;
            case mu::cmGT: in.op = Op::gt; pops = 2; pushes = 1; break;
            case mu::cmADD: in.op = Op::add; pops = 2; pushes = 1; break;
            case mu::cmSUB: in.op = Op::sub; pops = 2; pushes = 1; break;
            case mu::cmMUL: in.op = Op::mul; pops = 2; pushes = 1; break;
            case mu::cmDIV: in.op = Op::div; pops = 2; pushes = 1; break;
            case mu::cmPOW: in.op = Op::pow; pops = 2; pushes = 1; break;
            case mu::cmLAND: in.op = Op::land; pops = 2; pushes = 1; break;
            case mu::cmLOR: in.op = Op::lor; pops = 2; pushes = 1; break;
            case mu::cmVAL:
                in.op = Op::val;
                in.b = t.Val.data2;
                pushes = 1;
                break;
            case mu::cmVAR:
            case mu::cmVARPOW2:
            case mu::cmVARPOW3:
            case mu::cmVARPOW4:
            case mu::cmVARMUL:
                in.op = t.Cmd == mu::cmVAR       ? Op::var
                        : t.Cmd == mu::cmVARPOW2 ? Op::varpow2
                        : t.Cmd == mu::cmVARPOW3 ? Op::varpow3
                        : t.Cmd == mu::cmVARPOW4 ? Op::varpow4
                                                 : Op::varmul;
                in.var = variable(t.Val.ptr);
                if (in.var < 0) return std::nullopt;
                in.a = t.Val.data;
                in.b = t.Val.data2;
                pushes = 1;
                break;
            case mu::cmFUNC:
                in.fun = t.Fun.cb;
                in.argc = t.Fun.argc;
                switch (t.Fun.argc) {
                    case 0: in.op = Op::fun0; pushes = 1; break;
                    case 1: in.op = Op::fun1; pops = 1; pushes = 1; break;
                    case 2: in.op = Op::fun2; pops = 2; pushes = 1; break;
                    case 3: in.op = Op::fun3; pops = 3; pushes = 1; break;
                    default:
                        if (t.Fun.argc > 0) return std::nullopt;  // fixed arity beyond 3: left to muparser
                        in.op = Op::funn;                          // variadic: -argc arguments
                        in.argc = -t.Fun.argc;
                        pops = in.argc;
                        pushes = 1;
                        break;
                }
                break;
            case mu::cmEND:
                // One result, as a plain expression leaves.
                if (depth != 1) return std::nullopt;
                prog.fuse_constants();
                return prog;
            default:
                return std::nullopt;  // if-then-else, assignment, string or bulk functions
        }
        if (depth < static_cast<std::size_t>(pops)) return std::nullopt;
        depth = depth - static_cast<std::size_t>(pops) + static_cast<std::size_t>(pushes);
        prog.m_max_depth = std::max(prog.m_max_depth, depth);
        prog.m_code.push_back(in);
    }
    return std::nullopt;  // no end token
}

namespace {

bool is_binary(RuleProgram::Op op) {
    switch (op) {
        case RuleProgram::Op::le: case RuleProgram::Op::ge: case RuleProgram::Op::neq: case RuleProgram::Op::eq:
        case RuleProgram::Op::lt: case RuleProgram::Op::gt: case RuleProgram::Op::add: case RuleProgram::Op::sub:
        case RuleProgram::Op::mul: case RuleProgram::Op::div: case RuleProgram::Op::pow: case RuleProgram::Op::land:
        case RuleProgram::Op::lor: return true;
        default: return false;
    }
}

}  // namespace

void RuleProgram::fuse_constants() {
    std::vector<Instr> out;
    out.reserve(m_code.size());
    for (std::size_t i = 0; i < m_code.size(); ++i) {
        const Instr& in = m_code[i];
        if (in.op == Op::var && i + 2 < m_code.size() && m_code[i + 1].op == Op::val && is_binary(m_code[i + 2].op)) {
            Instr f = in;
            f.op = Op::var_binary_val;
            f.binary = m_code[i + 2].op;
            f.b = m_code[i + 1].b;
            out.push_back(f);
            i += 2;
        } else if (in.op == Op::val && i + 1 < m_code.size() && is_binary(m_code[i + 1].op)) {
            Instr f = in;
            f.op = Op::binary_val;
            f.binary = m_code[i + 1].op;
            out.push_back(f);
            i += 1;
        } else {
            out.push_back(in);
        }
    }
    m_code = std::move(out);
}

namespace {

// Loads variable `v` at the block's pixels.
inline void load(const float* v, const std::uint32_t* index, std::size_t first, std::size_t n, double* out) {
    if (index) {
        for (std::size_t k = 0; k < n; ++k) out[k] = static_cast<double>(v[index[k]]);
    } else {
        const float* p = v + first;
        for (std::size_t k = 0; k < n; ++k) out[k] = static_cast<double>(p[k]);
    }
}

template <typename F>
inline void binary(double* a, const double* b, std::size_t n, F f) {
    for (std::size_t k = 0; k < n; ++k) a[k] = f(a[k], b[k]);
}

// Calls `body` with the function object of binary operation `op` (as muparser's bulk interpreter computes it:
// comparisons and logical operators give 1.0 or 0.0), so each operation gets its own vectorised loop.
template <typename Body>
inline void with_binary(RuleProgram::Op op, Body&& body) {
    using Op = RuleProgram::Op;
    switch (op) {
        case Op::le: body([](double x, double y) { return static_cast<double>(x <= y); }); break;
        case Op::ge: body([](double x, double y) { return static_cast<double>(x >= y); }); break;
        case Op::neq: body([](double x, double y) { return static_cast<double>(x != y); }); break;
        case Op::eq: body([](double x, double y) { return static_cast<double>(x == y); }); break;
        case Op::lt: body([](double x, double y) { return static_cast<double>(x < y); }); break;
        case Op::gt: body([](double x, double y) { return static_cast<double>(x > y); }); break;
        case Op::add: body([](double x, double y) { return x + y; }); break;
        case Op::sub: body([](double x, double y) { return x - y; }); break;
        case Op::mul: body([](double x, double y) { return x * y; }); break;
        case Op::div: body([](double x, double y) { return x / y; }); break;
        case Op::pow: body([](double x, double y) { return std::pow(x, y); }); break;
        case Op::land: body([](double x, double y) { return static_cast<double>(x != 0 && y != 0); }); break;
        case Op::lor: body([](double x, double y) { return static_cast<double>(x != 0 || y != 0); }); break;
        default: break;
    }
}

}  // namespace

void RuleProgram::run(std::span<const float* const> variables, const std::uint32_t* index, std::size_t first,
                      std::size_t n, double* stack, double* results) const {
    // Entry d of the stack is the block stack[d * k_block .. + n).
    std::size_t sp = 0;
    auto top = [&](std::size_t back) { return stack + (sp - 1 - back) * k_block; };
    for (const Instr& in : m_code) {
        switch (in.op) {
            // muparser's bulk interpreter: Stack[sidx] = Stack[sidx] <op> Stack[sidx + 1], comparisons and
            // logical operators giving 1.0 or 0.0 (C++ bool to double).
            case Op::le: binary(top(1), top(0), n, [](double x, double y) { return static_cast<double>(x <= y); }); --sp; break;
            case Op::ge: binary(top(1), top(0), n, [](double x, double y) { return static_cast<double>(x >= y); }); --sp; break;
            case Op::neq: binary(top(1), top(0), n, [](double x, double y) { return static_cast<double>(x != y); }); --sp; break;
            case Op::eq: binary(top(1), top(0), n, [](double x, double y) { return static_cast<double>(x == y); }); --sp; break;
            case Op::lt: binary(top(1), top(0), n, [](double x, double y) { return static_cast<double>(x < y); }); --sp; break;
            case Op::gt: binary(top(1), top(0), n, [](double x, double y) { return static_cast<double>(x > y); }); --sp; break;
            case Op::add: binary(top(1), top(0), n, [](double x, double y) { return x + y; }); --sp; break;
            case Op::sub: binary(top(1), top(0), n, [](double x, double y) { return x - y; }); --sp; break;
            case Op::mul: binary(top(1), top(0), n, [](double x, double y) { return x * y; }); --sp; break;
            case Op::div: binary(top(1), top(0), n, [](double x, double y) { return x / y; }); --sp; break;
            case Op::pow: binary(top(1), top(0), n, [](double x, double y) { return std::pow(x, y); }); --sp; break;
            case Op::land:
                binary(top(1), top(0), n, [](double x, double y) { return static_cast<double>(x != 0 && y != 0); });
                --sp;
                break;
            case Op::lor:
                binary(top(1), top(0), n, [](double x, double y) { return static_cast<double>(x != 0 || y != 0); });
                --sp;
                break;
            case Op::binary_val: {
                double* a = top(0);
                const double c = in.b;
                with_binary(in.binary, [&](auto f) {
                    for (std::size_t k = 0; k < n; ++k) a[k] = f(a[k], c);
                });
                break;
            }
            case Op::var_binary_val: {
                ++sp;
                double* d = top(0);
                const double c = in.b;
                const float* v = variables[static_cast<std::size_t>(in.var)];
                with_binary(in.binary, [&](auto f) {
                    if (index) {
                        for (std::size_t k = 0; k < n; ++k) d[k] = f(static_cast<double>(v[index[k]]), c);
                    } else {
                        const float* p = v + first;
                        for (std::size_t k = 0; k < n; ++k) d[k] = f(static_cast<double>(p[k]), c);
                    }
                });
                break;
            }
            case Op::val: {
                ++sp;
                double* d = top(0);
                std::fill(d, d + n, in.b);
                break;
            }
            case Op::var:
            case Op::varpow2:
            case Op::varpow3:
            case Op::varpow4:
            case Op::varmul: {
                ++sp;
                double* d = top(0);
                load(variables[static_cast<std::size_t>(in.var)], index, first, n, d);
                switch (in.op) {
                    case Op::varpow2: for (std::size_t k = 0; k < n; ++k) d[k] = d[k] * d[k]; break;
                    case Op::varpow3: for (std::size_t k = 0; k < n; ++k) d[k] = d[k] * d[k] * d[k]; break;
                    case Op::varpow4: for (std::size_t k = 0; k < n; ++k) d[k] = d[k] * d[k] * d[k] * d[k]; break;
                    case Op::varmul: for (std::size_t k = 0; k < n; ++k) d[k] = d[k] * in.a + in.b; break;
                    default: break;
                }
                break;
            }
            case Op::fun0: {
                ++sp;
                double* d = top(0);
                for (std::size_t k = 0; k < n; ++k) d[k] = in.fun.call_fun<0>();
                break;
            }
            case Op::fun1: {
                double* d = top(0);
                for (std::size_t k = 0; k < n; ++k) d[k] = in.fun.call_fun<1>(d[k]);
                break;
            }
            case Op::fun2: {
                double* a = top(1);
                const double* b = top(0);
                for (std::size_t k = 0; k < n; ++k) a[k] = in.fun.call_fun<2>(a[k], b[k]);
                --sp;
                break;
            }
            case Op::fun3: {
                double* a = top(2);
                const double* b = top(1);
                const double* c = top(0);
                for (std::size_t k = 0; k < n; ++k) a[k] = in.fun.call_fun<3>(a[k], b[k], c[k]);
                sp -= 2;
                break;
            }
            case Op::funn: {
                const auto argc = static_cast<std::size_t>(in.argc);
                double* a = top(argc - 1);
                std::vector<double> args(argc);
                for (std::size_t k = 0; k < n; ++k) {
                    for (std::size_t j = 0; j < argc; ++j) args[j] = top(argc - 1 - j)[k];
                    a[k] = in.fun.call_multfun(args.data(), static_cast<int>(argc));
                }
                sp -= argc - 1;
                break;
            }
        }
    }
    std::copy(stack, stack + n, results);
}

}  // namespace bluecarbon::science::detail
