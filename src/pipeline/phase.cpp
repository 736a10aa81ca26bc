#include "pipeline/phase.hpp"

namespace bluecarbon::pipeline {

Phase::Phase(const RunContext& ctx, std::string_view name, std::int64_t total) : m_ctx(ctx), m_total(total) {
    check_cancel();
    if (m_ctx.progress) m_ctx.progress->begin(name, total);
    m_open = true;
}

Phase::~Phase() {
    if (m_open && m_ctx.progress) m_ctx.progress->abandon();  // left by an exception: finish() was not reached
}

bool Phase::cancel_requested() const noexcept {
    return m_ctx.cancel != nullptr && m_ctx.cancel->load(std::memory_order_relaxed);
}

void Phase::check_cancel() const {
    if (cancel_requested()) throw Cancelled();
}

void Phase::tick() {
    check_cancel();
    if (!m_ctx.progress) return;
    std::lock_guard lock(m_mutex);
    m_ctx.progress->advance(++m_done, m_total);
}

void Phase::advance_to(std::int64_t done) {
    if (!m_ctx.progress) return;
    std::lock_guard lock(m_mutex);
    if (done <= m_done) return;
    m_done = done;
    m_ctx.progress->advance(m_done, m_total);
}

void Phase::finish() {
    if (!m_open) return;
    m_open = false;
    if (m_ctx.progress) m_ctx.progress->end();
}

int resolve_threads(const RunContext& ctx, int fallback) {
    if (ctx.threads < 0) throw RequestError("threads", "must be at least 0 (got " + std::to_string(ctx.threads) + ")");
    return ctx.threads > 0 ? ctx.threads : fallback;
}

std::int64_t resolve_tile(const RunContext& ctx, std::int64_t fallback) {
    const std::int64_t tile = ctx.tile.value_or(fallback);
    if (tile < 1) throw RequestError("tile size", "must be at least 1 (got " + std::to_string(tile) + ")");
    return tile;
}

std::function<void(std::size_t, const std::function<void(std::size_t)>&)> parallel_with(const TileExecutor& ex,
                                                                                       Phase& phase) {
    return [&ex, &phase](std::size_t count, const std::function<void(std::size_t)>& body) {
        ex.parallel_for(count, [&body, &phase](std::size_t i, int) {
            body(i);
            phase.tick();
        });
    };
}

}  // namespace bluecarbon::pipeline
