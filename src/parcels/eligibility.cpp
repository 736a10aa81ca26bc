#include <bluecarbon/parcels/eligibility.hpp>

#include <algorithm>

namespace bluecarbon::parcels {

std::string Eligibility::reasons_text() const {
    std::string s;
    for (const auto& r : reasons) s += (s.empty() ? "" : ";") + r;
    return s;
}

Eligibility assess(const ParcelFacts& f, const EligibilityRules& rules) {
    Eligibility e;
    if (f.area_m2 < rules.min_area_m2) e.reasons.emplace_back("below_mmu");
    if (f.blue_carbon && std::isfinite(f.tidal_share) && f.tidal_share < rules.min_tidal_share)
        e.reasons.emplace_back("outside_tidal_frame");
    const bool blank_owner = std::all_of(f.owner.begin(), f.owner.end(), [](char c) { return c == ' ' || c == '\t'; });
    if (blank_owner) e.reasons.emplace_back("no_owner");
    for (const auto& id : f.overlapping_ids) e.reasons.push_back("overlaps:" + id);
    for (const auto& id : f.credited_ids) e.reasons.push_back("previously_credited:" + id);
    if (f.repaired) e.reasons.emplace_back("invalid_geometry");
    e.eligible = e.reasons.empty();
    return e;
}

namespace {

std::string fill_symbol(const char* name, const char* rgba) {
    const std::string c = rgba;
    return std::string("      <symbol type=\"fill\" name=\"") + name +
           "\" alpha=\"0.65\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
           "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
           "          <Option type=\"Map\">\n"
           "            <Option type=\"QString\" name=\"color\" value=\"" + c + "\"/>\n"
           "            <Option type=\"QString\" name=\"outline_color\" value=\"35,35,35,255\"/>\n"
           "            <Option type=\"QString\" name=\"outline_style\" value=\"solid\"/>\n"
           "            <Option type=\"QString\" name=\"outline_width\" value=\"0.26\"/>\n"
           "            <Option type=\"QString\" name=\"style\" value=\"solid\"/>\n"
           "          </Option>\n"
           "          <prop k=\"color\" v=\"" + c + "\"/>\n"
           "          <prop k=\"outline_color\" v=\"35,35,35,255\"/>\n"
           "          <prop k=\"outline_style\" v=\"solid\"/>\n"
           "          <prop k=\"outline_width\" v=\"0.26\"/>\n"
           "          <prop k=\"style\" v=\"solid\"/>\n"
           "        </layer>\n"
           "      </symbol>\n";
}

}  // namespace

std::string eligibility_qml() {
    // Both the <Option> maps of QGIS >= 3.26 and the <prop> pairs older versions read.
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
           "<qgis version=\"3.28.0\" styleCategories=\"Symbology|Labeling\">\n"
           "  <renderer-v2 type=\"categorizedSymbol\" attr=\"eligible\" symbollevels=\"0\" enableorderby=\"0\" "
           "forceraster=\"0\">\n"
           "    <categories>\n"
           "      <category symbol=\"0\" value=\"1\" label=\"eligible\" render=\"true\"/>\n"
           "      <category symbol=\"1\" value=\"0\" label=\"not eligible\" render=\"true\"/>\n"
           "    </categories>\n"
           "    <symbols>\n" +
           fill_symbol("0", "26,150,65,255") + fill_symbol("1", "215,25,28,255") +
           "    </symbols>\n"
           "  </renderer-v2>\n"
           "  <labeling type=\"simple\">\n"
           "    <settings calloutType=\"simple\">\n"
           "      <text-style fieldName=\"parcel_id\" fontSize=\"9\" textColor=\"0,0,0,255\"/>\n"
           "    </settings>\n"
           "  </labeling>\n"
           "</qgis>\n";
}

}  // namespace bluecarbon::parcels
