Page({
  data: { items: [], total: 0, title: '' },

  onShow() {
    this.load();
  },

  async load() {
    const { result } = await wx.cloud.callFunction({ name: 'todos', data: { action: 'list' } });
    this.setData({ items: result.items, total: result.total });
  },

  onInput(e) {
    this.setData({ title: e.detail.value });
  },

  async add() {
    if (!this.data.title.trim()) return;
    await wx.cloud.callFunction({ name: 'todos', data: { action: 'add', title: this.data.title } });
    this.setData({ title: '' });
    this.load();
  },

  async toggle(e) {
    await wx.cloud.callFunction({ name: 'todos', data: { action: 'toggle', id: e.currentTarget.dataset.id } });
    this.load();
  },
});
