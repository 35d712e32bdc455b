// Products on sale, cheapest first, optionally in one category; `reserve` takes one from stock.
const cloud = require('wx-server-sdk');

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const db = cloud.database();
const _ = db.command;

exports.main = async (event) => {
  const products = db.collection('products');
  if (event.action === 'reserve') {
    const res = await products.where({ _id: event.id, stock: _.gt(0) }).update({ data: { stock: _.inc(-1) } });
    return { reserved: res.stats.updated === 1 };
  }
  const filter = { onSale: true };
  if (event.category) filter.category = event.category;
  const { data } = await products.where(filter).orderBy('price', 'asc').limit(50).get();
  return { items: data.map(({ _id, name, price, stock }) => ({ _id, name, price, stock })) };
};
