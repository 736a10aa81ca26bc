// QGIS reads a GeoPackage layer's default style from layer_styles (styleQML, useAsDefault = 1): the exported
// registry opens coloured by block status without any set-up.
#include "pipeline/certify/registry_style.hpp"

#include <utility>

namespace bluecarbon::pipeline {

namespace {

/// A filled polygon symbol; both the <Option> maps of QGIS >= 3.26 and the <prop> pairs older versions read.
std::string fill_symbol(const char* name, const std::string& rgba) {
    const std::pair<const char*, std::string> values[] = {
        {"color", rgba}, {"outline_color", "35,35,35,255"}, {"outline_style", "solid"}, {"outline_width", "0.26"},
        {"style", "solid"}};
    std::string props, old_props;
    for (const auto& [k, v] : values) {
        props += "            <Option type=\"QString\" name=\"" + std::string(k) + "\" value=\"" + v + "\"/>\n";
        old_props += "          <prop k=\"" + std::string(k) + "\" v=\"" + v + "\"/>\n";
    }
    return std::string("      <symbol type=\"fill\" name=\"") + name +
           "\" alpha=\"0.7\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
           "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
           "          <Option type=\"Map\">\n" +
           props + "          </Option>\n" + old_props + "        </layer>\n      </symbol>\n";
}

}  // namespace

std::string registry_status_qml() {
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
           "<qgis version=\"3.28.0\" styleCategories=\"Symbology|Labeling\">\n"
           "  <renderer-v2 type=\"categorizedSymbol\" attr=\"status\" symbollevels=\"0\" enableorderby=\"0\" "
           "forceraster=\"0\">\n"
           "    <categories>\n"
           "      <category symbol=\"0\" value=\"held\" label=\"held\" render=\"true\"/>\n"
           "      <category symbol=\"1\" value=\"retired\" label=\"retired\" render=\"true\"/>\n"
           "      <category symbol=\"2\" value=\"cancelled\" label=\"cancelled\" render=\"true\"/>\n"
           "    </categories>\n"
           "    <symbols>\n" +
           fill_symbol("0", "43,131,186,255") + fill_symbol("1", "26,150,65,255") +
           fill_symbol("2", "150,150,150,255") +
           "    </symbols>\n"
           "  </renderer-v2>\n"
           "  <labeling type=\"simple\">\n"
           "    <settings calloutType=\"simple\">\n"
           "      <text-style fieldName=\"serial\" fontSize=\"8\" textColor=\"0,0,0,255\"/>\n"
           "    </settings>\n"
           "  </labeling>\n"
           "</qgis>\n";
}

}  // namespace bluecarbon::pipeline
