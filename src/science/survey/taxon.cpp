#include <bluecarbon/science/survey/taxon.hpp>

#include <cctype>
#include <vector>

namespace bluecarbon::science::survey {

std::string Taxon::key() const {
    if (genus.empty()) return {};
    return epithet.empty() ? genus : genus + " " + epithet;
}

std::string normalize_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    const auto first = out.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    const auto last = out.find_last_not_of(" \t");
    return out.substr(first, last - first + 1);
}

Taxon parse_taxon(std::string_view name) {
    std::vector<std::string> words;
    std::string word;
    for (char raw : name) {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
        if (c == ' ' || c == '\t' || c == '_') {
            if (!word.empty()) words.push_back(std::move(word));
            word.clear();
        } else {
            word.push_back(c);
        }
    }
    if (!word.empty()) words.push_back(std::move(word));

    Taxon t;
    if (words.empty()) return t;
    if (words[0] == "unknown" || words[0] == "na" || words[0] == "n/a" || words[0] == "indet" ||
        words[0] == "indet.")
        return t;
    t.genus = words[0];
    if (words.size() > 1) {
        const std::string& e = words[1];
        if (e != "sp" && e != "sp." && e != "spp" && e != "spp." && e != "cf." && e != "cf" && e != "indet" &&
            e != "indet.")
            t.epithet = e;
    }
    return t;
}

}  // namespace bluecarbon::science::survey
