// Coordinates of the report's locations, for the HTML report's map: dim_location keeps one row per
// (city, state, zip, lat, lon); a (city, state) is placed at the mean of its rows.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

struct LatLon {
  double lat = 0;
  double lon = 0;
};

using LocationCoordinates = std::map<std::pair<std::string, std::string>, LatLon>;  // (city, state)

LocationCoordinates location_coordinates(SqlConnection& connection);

}  // namespace tributary::warehouse
