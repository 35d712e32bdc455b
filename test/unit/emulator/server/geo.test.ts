/**
 * Geo queries through the real @cloudbase/node-sdk: `geoNear` ($nearSphere, nearest first),
 * `geoWithin` ($geometry polygons, $centerSphere), `geoIntersects` and the `$geoNear` stage.
 * Places: a few points around Shenzhen, a road (LineString) and a park (Polygon).
 */
import { strict as assert } from 'node:assert';
import * as tcb from '@cloudbase/node-sdk';
import { startTestEnvironment, type TestEnvironment } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('/admin geo queries through @cloudbase/node-sdk', function () {
  let t: TestEnvironment;
  let db: Json;
  let Geo: Json;
  let _: Json;

  before(async function () {
    t = await startTestEnvironment();
    db = tcb.init({ env: t.env.envId, secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: t.env.adminUrl }).database();
    Geo = db.Geo;
    _ = db.command;
    await db.createCollection('places');
    const P = (lng: number, lat: number) => new Geo.Point(lng, lat);
    await db.collection('places').add([
      { _id: 'center', kind: 'shop', at: P(114.0, 22.5) },
      { _id: 'near', kind: 'shop', at: P(114.01, 22.5) }, // about 1 km east
      { _id: 'far', kind: 'cafe', at: P(114.1, 22.5) }, // about 10 km east
      { _id: 'away', kind: 'shop', at: P(116.4, 39.9) }, // Beijing
      { _id: 'road', kind: 'road', at: new Geo.LineString([P(113.99, 22.49), P(114.005, 22.505)]) },
      { _id: 'park', kind: 'park', at: new Geo.Polygon([new Geo.LineString([P(114.02, 22.48), P(114.04, 22.48), P(114.04, 22.52), P(114.02, 22.52), P(114.02, 22.48)])]) },
      { _id: 'nowhere', kind: 'shop' },
    ]);
  });
  after(async function () {
    await t?.stop();
  });

  const square = (lng1: number, lat1: number, lng2: number, lat2: number) =>
    new Geo.Polygon([new Geo.LineString([new Geo.Point(lng1, lat1), new Geo.Point(lng2, lat1), new Geo.Point(lng2, lat2), new Geo.Point(lng1, lat2), new Geo.Point(lng1, lat1)])]);

  const rows: { name: string; where: () => Json; expect: string[]; ordered?: boolean }[] = [
    { name: 'geoNear within 2 km, nearest first', where: () => ({ at: _.geoNear({ geometry: new Geo.Point(114.0, 22.5), maxDistance: 2000 }) }), expect: ['center', 'road', 'near'], ordered: true },
    { name: 'geoNear between 500 m and 20 km', where: () => ({ kind: 'shop', at: _.geoNear({ geometry: new Geo.Point(114.0, 22.5), minDistance: 500, maxDistance: 20_000 }) }), expect: ['near'], ordered: true },
    { name: 'geoWithin a polygon', where: () => ({ at: _.geoWithin({ geometry: square(113.9, 22.4, 114.05, 22.6) }) }), expect: ['center', 'near', 'park', 'road'] },
    { name: 'geoWithin a MultiPolygon', where: () => ({ at: _.geoWithin({ geometry: new Geo.MultiPolygon([square(113.9, 22.4, 114.004, 22.6), square(116, 39, 117, 40)]) }) }), expect: ['away', 'center'] },
    // 0.002 radians is about 12.7 km on the earth's surface.
    { name: 'geoWithin a centerSphere', where: () => ({ kind: 'shop', at: _.geoWithin({ centerSphere: [new Geo.Point(114.0, 22.5), 0.002] }) }), expect: ['center', 'near'] },
    { name: 'geoIntersects a line crossing the park and the road', where: () => ({ at: _.geoIntersects({ geometry: new Geo.LineString([new Geo.Point(113.99, 22.51), new Geo.Point(114.03, 22.49)]) }) }), expect: ['park', 'road'] },
  ];
  for (const row of rows) {
    it(row.name, async function () {
      const res = await db.collection('places').where(row.where()).get();
      const got = res.data.map((d: Json) => d._id as string);
      assert.deepEqual(row.ordered ? got : [...got].sort(), row.expect);
    });
  }

  it('aggregate().geoNear() adds the distance, filters with query and sorts nearest first', async function () {
    const res = await db
      .collection('places')
      .aggregate()
      .geoNear({ near: new Geo.Point(114.0, 22.5), spherical: true, distanceField: 'distance', maxDistance: 20_000, query: { kind: 'shop' }, includeLocs: 'loc' })
      .project({ distance: 1, loc: 1 })
      .end();
    assert.deepEqual(
      res.data.map((d: Json) => d._id),
      ['center', 'near'],
    );
    assert.equal(res.data[0].distance, 0);
    assert.ok(Math.abs(res.data[1].distance - 1028) < 10, String(res.data[1].distance));
    assert.deepEqual(res.data[1].loc.coordinates, [114.01, 22.5]);
  });

  it('refuses a malformed geo condition with a code and changes nothing', async function () {
    const raw = await db.collection('places').where({ at: { $geoWithin: { $centerSphere: 'x' } } }).get().catch((e: Json) => e);
    assert.ok(['INVALID_PARAM', 'DATABASE_REQUEST_FAILED'].includes(raw.code), JSON.stringify(raw));
    assert.equal((await db.collection('places').count()).total, 7);
  });
});
