// `bluecarbon keygen`, `certify` and `verify`: signing keys, signed parcel certificates and their offline check;
// the work and the printed text are pipeline::run_keygen / run_certify / run_verify.
#include "cli/cli_context.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/certify.hpp>

#include <memory>
#include <ostream>

namespace bluecarbon::cli {

namespace {

struct CertifyOptions {
    std::filesystem::path dir;
    ProjectArgs project;
    std::optional<std::filesystem::path> key;
    pipeline::VerifyRequest verify;
    bool json{false};
};

template <class R> void print(const CliContext& ctx, bool json, const R& r) {
    ctx.out << (json ? pipeline::to_json(r) + "\n" : pipeline::summary_text(r));
}

}  // namespace

void add_certify_commands(CLI::App& app, CliContext& ctx) {
    auto o = std::make_shared<CertifyOptions>();
    CLI::App* keygen = app.add_subcommand("keygen", "Write an Ed25519 signing key pair: DIR/signing.key (PKCS#8 "
                                                    "PEM, mode 0600) and DIR/signing.pub");
    keygen->add_option("--out,-o", o->dir, "Folder for the key pair")->required()->type_name("DIR");
    keygen->add_flag("--json", o->json, "Print a machine-readable summary on stdout");
    keygen->callback([o, &ctx] { print(ctx, o->json, pipeline::run_keygen(o->dir)); });

    CLI::App* certify = app.add_subcommand(
        "certify", "Sign one certificate per credited parcel -> <output>/certificates/<parcel>.json (from "
                   "parcels.gpkg and credits.csv; byte-identical for the same inputs)");
    add_project_args(*certify, o->project);
    certify->add_option("--key", o->key, "Private key (default: the project's [certify] key)")->type_name("FILE");
    certify->add_flag("--json", o->json, "Print a machine-readable summary on stdout");
    certify->callback([o, &ctx] {
        const auto cfg = o->project.load();
        with_flags({{"key", "--key"}}, [&] { print(ctx, o->json, pipeline::run_certify(cfg, {o->key})); });
    });

    CLI::App* verify = app.add_subcommand(
        "verify", "Check certificates and signed owner statements offline: canonical bytes, signature, pinned key; "
                  "with --recompute a certificate's input hashes and numbers. Exit 0 valid, 1 invalid, 2 bad usage");
    verify->add_option("certificates", o->verify.certificates, "Certificate files")->required()->type_name("CERT");
    verify->add_option("--pubkey", o->verify.pubkey, "The public key the certificates must be signed with")
        ->type_name("FILE");
    verify->add_option("--recompute", o->verify.recompute, "Re-hash the inputs and recompute the numbers of this "
                                                           "project")->type_name("PROJECT");
    verify->add_flag("--json", o->json, "Print a machine-readable summary on stdout");
    verify->callback([o, &ctx] {
        const auto report = pipeline::run_verify(o->verify);
        print(ctx, o->json, report);
        if (!report.ok()) throw Error(report.failure());
    });
}

}  // namespace bluecarbon::cli
