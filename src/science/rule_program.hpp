#pragma once
// Private to science: a muparser expression's compiled bytecode, run a block of pixels at a time.
//
// muparser parses, checks and optimises the expression (constant folding, var*a+b fusion) into reverse-Polish
// bytecode; its bulk mode then interprets that bytecode once per pixel. RuleProgram takes the same bytecode and
// runs each instruction over a block of pixels (an inner loop the compiler vectorises), so the interpretation
// cost is paid once per block instead of once per pixel. Every instruction does what muparser's bulk
// interpreter (ParserBase::ParseCmdCodeBulk, muparser 2.3) does, in the same order and in double precision, and
// functions are muparser's own callbacks, so the results are bit-identical to muparser's. Bytecode we do not
// run (if-then-else, assignment, string and bulk functions) is reported by compile() returning nullopt, and
// the caller evaluates that expression with muparser itself.
#include <muParser.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace bluecarbon::science::detail {

class RuleProgram {
public:
    /// Pixels per block: the stack holds max_depth() blocks of doubles (4 KiB each).
    static constexpr std::size_t k_block = 512;

    /// Compiles the bytecode of `parser` (its expression set and evaluated once, so the bytecode exists).
    /// `variable_addresses[i]` is the address variable i was defined at (DefineVar); bytecode reading any other
    /// address, or using an instruction we do not run, gives nullopt.
    [[nodiscard]] static std::optional<RuleProgram> compile(const mu::ParserBase& parser,
                                                            std::span<const double* const> variable_addresses);

    [[nodiscard]] std::size_t max_depth() const noexcept { return m_max_depth; }

    /// The instructions (public for the interpreter's helpers).
    enum class Op : std::uint8_t {
        le, ge, neq, eq, lt, gt, add, sub, mul, div, pow, land, lor,  // binary, on the top two entries
        var, val, varpow2, varpow3, varpow4, varmul,                   // push
        fun0, fun1, fun2, fun3, funn,                                 // muparser callbacks
        // Fused (a peephole pass after compiling): "val c; <binary>" -> top = top <binary> c, and
        // "var x; val c; <binary>" -> push x <binary> c. The same operations in the same order: only the
        // constant's block fill and the extra stack traffic go.
        binary_val, var_binary_val,
    };

    /// Evaluates the expression at `n` <= k_block pixels: pixel k is `index[k]` of every variable array
    /// (`variables[i]` is variable i over the whole tile), or `first + k` when `index` is null. Writes
    /// `results[0..n)`. `stack` must hold max_depth() * k_block doubles. Thread-safe (const).
    void run(std::span<const float* const> variables, const std::uint32_t* index, std::size_t first, std::size_t n,
             double* stack, double* results) const;

private:
    struct Instr {
        Op op{Op::val};
        Op binary{Op::add};  // the binary operation of binary_val and var_binary_val
        int var{-1};        // variable index (var, varpow*, varmul)
        double a{0}, b{0};  // val: b; varmul: var * a + b
        mu::generic_callable_type fun{};
        int argc{0};        // funn: number of arguments
    };
    void fuse_constants();
    std::vector<Instr> m_code;
    std::size_t m_max_depth{0};
};

}  // namespace bluecarbon::science::detail
