#include "warehouse/location_coordinates.h"

namespace tributary::warehouse {

LocationCoordinates location_coordinates(SqlConnection& connection) {
  LocationCoordinates out;
  for (const SqlRow& r : connection.query(
           "SELECT city, state, avg(lat), avg(lon) FROM dim_location GROUP BY city, state")) {
    if (!r[0] || !r[1] || !r[2] || !r[3]) continue;
    out[{*r[0], *r[1]}] = LatLon{std::stod(*r[2]), std::stod(*r[3])};
  }
  return out;
}

}  // namespace tributary::warehouse
