# pytorch-notes' "nn 模块" chapter (seed 004, after 《深度学习框架 Pytorch 入门与实践》): layers
# and an MLP from nn.Module, convolution and pooling on an image, containers, losses,
# nn.functional and optimizers with parameter groups.
# Changes: a manual_seed; the notebook cells' values printed; lena.png replaced by a 64x64
# gray image made in the script; the images to_pil gives are printed as mode and size.
import torch
from torch import nn
torch.manual_seed(0)

""" 定义线性层 Linear 用来计算 y = W x + b """


class Linear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.W = nn.Parameter(torch.randn(in_features, out_features))
        self.b = nn.Parameter(torch.randn(out_features))

    def forward(self, x):
        y = x @ self.W + self.b
        return y


linear_layer = Linear(in_features=4, out_features=3)
inputs = torch.randn(2, 4)
outputs = linear_layer(inputs)
print(outputs.shape)

for name, parameter in linear_layer.named_parameters():
    print("1. It is parameter: {}".format(name))
    print("2.", parameter)
    print("3. The shape is: {}\n".format(parameter.shape))


class MultiPerceptron(nn.Module):
    def __init__(self, in_features, hidden_features, out_features):
        super().__init__()
        self.layer1 = Linear(in_features, hidden_features)
        self.layer2 = Linear(hidden_features, out_features)

    def forward(self, x):
        x = self.layer1(x)
        x = torch.sigmoid(x)
        y = self.layer2(x)
        return y


mlp = MultiPerceptron(3, 4, 1)
inputs = torch.randn(2, 3)
outputs = mlp(inputs)
print(outputs.shape)

for name, param in mlp.named_parameters():
    print(name, param.size())

x = torch.randn(3)
x.unsqueeze_(0)
y = mlp(x)
print(y.shape)

# 2 常见神经网络层
from PIL import Image
from torchvision.transforms import ToTensor, ToPILImage
to_tensor = ToTensor()
to_pil = ToPILImage()

example = Image.fromarray((torch.arange(64 * 64) % 251).view(64, 64).byte().numpy(), mode='L')
example = to_tensor(example).unsqueeze(0)
print("Input Size:", example.size())

conv = nn.Conv2d(in_channels=1, out_channels=1, kernel_size=3, stride=1, padding=0, bias=False)
out = conv(example)
print("Output Size:", out.size())
image = to_pil(out.data.squeeze(0))
print(image.mode, image.size)

kernel = torch.tensor([
    [1., 0., -1.],
    [1., 0., -1.],
    [1., 0., -1.]
], dtype=torch.float32)
conv = nn.Conv2d(in_channels=1, out_channels=1, kernel_size=(3, 3), stride=1, padding=0, bias=False)
conv.weight.data = kernel.view(1, 1, 3, 3)
out = conv(example)
print("Output Size:", out.size())
print(out[0, 0, :2, :6])
image = to_pil(out.data.squeeze(0))
print(image.mode, image.size, image.getpixel((5, 5)))

from torch.nn import MaxPool2d
inputs = torch.tensor([
    [1, 2, 0, 2, 1, ],
    [0, 1, 3, 1, 1, ],
    [1, 2, 1, 0, 0, ],
    [5, 2, 3, 1, 1, ],
    [2, 1, 0, 1, 1, ],
], dtype=torch.float)
inputs = torch.reshape(inputs, (-1, 1, 5, 5))
max_pool = MaxPool2d(kernel_size=3, ceil_mode=True)
output = max_pool(inputs)
print(output)
print(list(max_pool.parameters()))

out = max_pool(example)
print(to_pil(out.data.squeeze(0)).size)

inputs = torch.randn(2, 3)
linear_out = nn.Linear(3, 4)
out = linear_out(inputs)
print(out.shape)


class MyModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(256, 512)
        self.bn = nn.BatchNorm1d(512)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.fc(x)
        x = self.bn(x)
        x = self.relu(x)
        return x


print(MyModel()(torch.randn(8, 256)).mean())


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(784, 128)
        self.dropout = nn.Dropout(0.5)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.fc1(x)
        x = self.dropout(x)
        x = self.fc2(x)
        return x


print(Net()(torch.randn(2, 784)))

# 4 前馈传播网络的便捷构建
net1 = nn.Sequential()
net1.add_module('conv', nn.Conv2d(3, 3, 3))
net1.add_module('batchnorm', nn.BatchNorm2d(3))
net1.add_module('relu', nn.ReLU())
print('net1:', net1)

net2 = nn.Sequential(
    nn.Conv2d(3, 3, 3),
    nn.BatchNorm2d(3),
    nn.ReLU()
)
print('net2:', net2)

from collections import OrderedDict
net3 = nn.Sequential(OrderedDict([
    ('conv', nn.Conv2d(3, 3, 3)),
    ('batchnorm', nn.BatchNorm2d(3)),
    ('relu', nn.ReLU())
]))
print('net3:', net3)

print(net1.conv, net2[1], net3.relu)

model_list = nn.ModuleList([nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)])
inputs = torch.randn(1, 3)
for model in model_list:
    inputs = model(inputs)
print(inputs.shape)

inputs = torch.randn(1, 3)
try:
    output = model_list(inputs)
except NotImplementedError as error:
    print(type(error).__name__, error)

# 5 损失函数
y_pred = torch.randn(4, 1)
y_real = torch.randn(4).squeeze(-1)
mse = nn.MSELoss()
loss = mse(y_pred, y_real)
print(loss)

score = torch.randn(4, 2)
label = torch.Tensor([1, 0, 1, 1]).long()
criterion = nn.CrossEntropyLoss()
loss = criterion(score, label)
print(loss)

# 6 nn.functional 模块
inputs = torch.randn(2, 3)
model = nn.Linear(3, 4)
output1 = model(inputs)
output2 = nn.functional.linear(inputs, model.weight, model.bias)
print(output1)
print(output2)

from torch.nn import functional as F


class myNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


x = torch.randn(64, 3, 32, 32)
model = myNet()
out = model(x)
print(out.shape)

# 7 优化器
mlp = MultiPerceptron(3, 4, 1)

from torch import optim
learning_rate = 0.9
optimizer = optim.SGD(params=mlp.parameters(), lr=learning_rate)
optimizer.zero_grad()
inputs = torch.randn(32, 3)
output = mlp(inputs)
output.backward(output)
optimizer.step()
print(mlp.layer2.b)

weight_params = [param for name, param in mlp.named_parameters() if name.endswith('.W')]
bias_params = [param for name, param in mlp.named_parameters() if name.endswith('.b')]
optimizer = optim.SGD([
    {'params': bias_params},
    {'params': weight_params, 'lr': 1e-2}
], lr=1e-5)
print(optimizer)
print([group['lr'] for group in optimizer.param_groups])
