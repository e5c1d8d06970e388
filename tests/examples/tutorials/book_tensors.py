# Deep Learning with PyTorch, chapter 3 "张量" (seed 003): tensors, indexing, named tensors,
# dtypes, the storage model (storage, offset, strides, contiguity), NumPy, serialization.
# Changes: each notebook cell's Out value printed (print(repr(...))); files written in the
# working folder instead of ../data/p1ch3; the GPU and h5py cells left out; the exercises of
# 3.14 done.
import torch


def out(value):
    print(repr(value))


# 3.2 张量:多维数组
a = [1.0, 2.0, 1.0]
out(a[0])
a[2] = 3.0
out(a)

a = torch.ones(3)
out(a)
out(a[1])
out(float(a[1]))
a[2] = 2.0
out(a)

points = torch.zeros(6)
points[0] = 4.0
points[1] = 1.0
points[2] = 5.0
points[3] = 3.0
points[4] = 2.0
points[5] = 1.0
points = torch.tensor([4.0, 1.0, 5.0, 3.0, 2.0, 1.0])
out(points)
out((float(points[0]), float(points[1])))
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
out(points)
out(points.shape)
points = torch.zeros(3, 2)
out(points)
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
out(points)
out(points[0, 1])
out(points[0])

# 3.3 张量索引
some_list = list(range(6))
out(some_list[:])
out(some_list[1:4])
out(some_list[1:])
out(some_list[:4])
out(some_list[:-1])
out(some_list[1:4:2])
out(points[1:])
out(points[1:, :])
out(points[1:, 0])
out(points[None])

# 3.4 命名张量
torch.manual_seed(0)
img_t = torch.randn(3, 5, 5) # shape [channels, rows, columns]
weights = torch.tensor([0.2126, 0.7152, 0.0722])
batch_t = torch.randn(2, 3, 5, 5) # shape [batch, channels, rows, columns]
img_gray_naive = img_t.mean(-3)
batch_gray_naive = batch_t.mean(-3)
out((img_gray_naive.shape, batch_gray_naive.shape))
unsqueezed_weights = weights.unsqueeze(-1).unsqueeze_(-1)
img_weights = (img_t * unsqueezed_weights)
batch_weights = (batch_t * unsqueezed_weights)
img_gray_weighted = img_weights.sum(-3)
batch_gray_weighted = batch_weights.sum(-3)
out((batch_weights.shape, batch_t.shape, unsqueezed_weights.shape))
img_gray_weighted_fancy = torch.einsum('...chw,c->...hw', img_t, weights)
batch_gray_weighted_fancy = torch.einsum('...chw,c->...hw', batch_t, weights)
out(batch_gray_weighted_fancy.shape)
out(batch_gray_weighted_fancy)
# named tensors (an experimental feature of PyTorch 1.3 to 2.x) are gone from PyTorch 2.13:
# the book's first named cell raises, the cells built on it are left out
try:
    weights_named = torch.tensor([0.2126, 0.7152, 0.0722], names=['channels'])
except TypeError as error:
    print(error)
print(hasattr(img_t, 'refine_names'), hasattr(img_t, 'names'))

# 3.5 张量元素类型
double_points = torch.ones(10, 2, dtype=torch.double)
short_points = torch.tensor([[1, 2], [3, 4]], dtype=torch.short)
out(short_points.dtype)
double_points = torch.zeros(10, 2).double()
short_points = torch.ones(10, 2).short()
double_points = torch.zeros(10, 2).to(torch.double)
short_points = torch.ones(10, 2).to(dtype=torch.short)
points_64 = torch.rand(5, dtype=torch.double)
points_short = points_64.to(torch.short)
out(points_64 * points_short) # works from PyTorch 1.3 onwards

# 3.6 张量 API
a = torch.ones(3, 2)
a_t = torch.transpose(a, 0, 1)
out((a.shape, a_t.shape))
a = torch.ones(3, 2)
a_t = a.transpose(0, 1)
out((a.shape, a_t.shape))

# 3.7 张量:存储的景观
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
out(points.storage())
points_storage = points.storage()
out(points_storage[0])
out(points.storage()[1])
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
points_storage = points.storage()
points_storage[0] = 2.0
out(points)
a = torch.ones(3, 2)
a.zero_()
out(a)

# 3.8 张量元数据:大小、偏移和步长
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
second_point = points[1]
out(second_point.storage_offset())
out(second_point.size())
out(second_point.shape)
out(points.stride())
second_point = points[1]
out(second_point.size())
out(second_point.storage_offset())
out(second_point.stride())
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
second_point = points[1]
second_point[0] = 10.0
out(points)
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
second_point = points[1].clone()
second_point[0] = 10.0
out(points)
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
out(points)
points_t = points.t()
out(points_t)
out(id(points.storage()) == id(points_t.storage()))
out(points.untyped_storage().data_ptr() == points_t.untyped_storage().data_ptr())
out(points.stride())
out(points_t.stride())
some_t = torch.ones(3, 4, 5)
transpose_t = some_t.transpose(0, 2)
out(some_t.shape)
out(transpose_t.shape)
out(some_t.stride())
out(transpose_t.stride())
out(points.is_contiguous())
out(points_t.is_contiguous())
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
points_t = points.t()
out(points_t)
out(points_t.storage())
out(points_t.stride())
points_t_cont = points_t.contiguous()
out(points_t_cont)
out(points_t_cont.stride())
out(points_t_cont.storage())

# 3.10 NumPy 互操作性
points = torch.ones(3, 4)
points_np = points.numpy()
out(points_np)
points = torch.from_numpy(points_np)

# 3.12 序列化张量
torch.save(points, 'ourpoints.t')
with open('ourpoints.t', 'wb') as f:
    torch.save(points, f)
points = torch.load('ourpoints.t')
with open('ourpoints.t', 'rb') as f:
    points = torch.load(f)
out(points)

# 3.14 练习
a = torch.tensor(list(range(9)))
out(a.size())
out(a.storage_offset())
out(a.stride())
b = a.view(3, 3)
out(id(a.untyped_storage()) == id(b.untyped_storage()))
out(b)
c = b[1:, 1:]
out(c.size())
out(c.storage_offset())
out(c.stride())
out(torch.cos(a.float()))
out(torch.sqrt(a.float()))
out(a.float().sqrt_())
out(a)
