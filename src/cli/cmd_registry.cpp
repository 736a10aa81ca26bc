// `bluecarbon registry VERB DB ...`: the credit registry; the work and the printed text are pipeline::run_registry.
#include "cli/cli_context.hpp"

#include <bluecarbon/pipeline/registry.hpp>

#include <memory>
#include <ostream>

namespace bluecarbon::cli {

namespace {

struct RegistryOptions {
    pipeline::RegistryRequest rq;
    bool json{false};
};

void run(const CliContext& ctx, const RegistryOptions& o) {
    pipeline::RegistryResult r;
    with_flags({{"quantity", "--quantity"}, {"trust", "--trust"}}, [&] { r = pipeline::run_registry(o.rq); });
    ctx.out << (o.json ? pipeline::to_json(r) + "\n" : pipeline::summary_text(r));
    if (r.failure_exit_code == 2) throw InputError(r.failure);
    if (r.failure_exit_code != 0) throw Error(r.failure);
}

}  // namespace

void add_registry_command(CLI::App& app, CliContext& ctx) {
    auto o = std::make_shared<RegistryOptions>();
    auto& rq = o->rq;
    CLI::App* reg = app.add_subcommand("registry", "The credit registry (one SQLite file): issue certificates once, "
                                                   "transfer, retire, cancel, audit and export serial blocks");
    reg->require_subcommand(1);
    const auto verb = [&](pipeline::RegistryVerb v, const char* name, const char* help) {
        CLI::App* c = reg->add_subcommand(name, help);
        c->add_option("db", rq.db, "The registry file")->required()->type_name("DB");
        c->add_flag("--json", o->json, "Print a machine-readable summary on stdout");
        c->callback([o, v, &ctx] {
            o->rq.verb = v;
            run(ctx, *o);
        });
        return c;
    };
    using V = pipeline::RegistryVerb;
    auto* init = verb(V::init, "init", "Create a registry trusting the given public keys");
    init->add_option("--name", rq.name, "Registry code in serials (letters, digits, '_')")->required();
    init->add_option("--trust", rq.keys, "Public keys whose certificates may be issued")->required()->type_name("PUB");
    verb(V::trust, "trust", "Trust more signing keys")->add_option("keys", rq.keys)->required()->type_name("PUB");
    verb(V::untrust, "untrust", "Stop trusting keys (key ids or public key files)")
        ->add_option("keys", rq.keys)->required()->type_name("KEY");
    auto* issue = verb(V::issue, "issue", "Issue certificates: one serial block per parcel and vintage, never the "
                                          "same ground twice");
    issue->add_option("certificates", rq.certificates)->required()->type_name("CERT");
    issue->add_option("--external-serial", rq.external_serial, "A serial of another registry (Verra, CCER)");
    verb(V::list, "list", "List every block");
    verb(V::show, "show", "A block by serial, or every block of a parcel, with its certificate's SHA-256")
        ->add_option("serial", rq.serial)->required()->type_name("SERIAL|PARCEL");
    const auto act = [&](V v, const char* name, const char* help) {
        auto* c = verb(v, name, help);
        c->add_option("serial", rq.serial)->required()->type_name("SERIAL");
        c->add_option("--quantity", rq.quantity, "Units, the lowest of the block (default: all)")
            ->check(at_least(1))->type_name("N");
        c->add_option("--reason", rq.reason, "Why");
        return c;
    };
    act(V::transfer, "transfer", "Move units to another account")->add_option("--to", rq.to)->required();
    act(V::retire, "retire", "Retire units for good")->add_option("--beneficiary", rq.beneficiary)->required();
    act(V::cancel, "cancel", "Cancel units (their ground may be issued again; serials never are)");
    verb(V::audit, "audit", "Recompute the event hash chain and every balance; exit 1 at the first mismatch");
    verb(V::export_gpkg, "export", "Issued parcels with serials and status as a GeoPackage layer")
        ->add_option("--gpkg", rq.gpkg, "Output file")->required()->type_name("OUT");
}

}  // namespace bluecarbon::cli
