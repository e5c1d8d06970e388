# 深度学习入门之PyTorch chapters 2-3 (seed 002): Variable, a hand-written two-layer network,
# linear, polynomial and logistic regression.
# Changes: seeds; the logistic regression's data read from ./data.txt (the test writes it in
# the published file's format) instead of fetched with requests; 1000 of its 20000 epochs;
# the plots left out.
import numpy as np
import torch
from torch import nn
from torch.autograd import Variable
torch.manual_seed(0)

# 3. Variable
x = Variable(torch.Tensor([1]), requires_grad=True)
w = Variable(torch.Tensor([2]), requires_grad=True)
b = Variable(torch.Tensor([3]), requires_grad=True)
y = w * x + b
y.backward()
print(x.grad)
print(w.grad)
print(b.grad)

# 手动实现一个两层网络, 用autograd
batch_n = 100
hidden_layer = 100
input_data = 1000
output_data = 10

x = Variable(torch.randn(batch_n, input_data), requires_grad=False)
y = Variable(torch.randn(batch_n, output_data), requires_grad=False)
w1 = Variable(torch.randn(input_data, hidden_layer), requires_grad=True)
w2 = Variable(torch.randn(hidden_layer, output_data), requires_grad=True)

epoch_n = 20
learning_rate = 1e-6
for epoch in range(epoch_n):
    y_pred = x.mm(w1).clamp(min=0).mm(w2) #y_pred=w2*(w1*x)
    loss = (y_pred - y).pow(2).sum()
    print("Epoch:{},Loss:{:.4f}".format(epoch, loss))
    loss.backward()
    w1.data -= learning_rate * w1.grad.data
    w2.data -= learning_rate * w2.grad.data
    w1.grad.data.zero_()
    w2.grad.data.zero_()

from collections import OrderedDict
models_1 = torch.nn.Sequential(
    torch.nn.Linear(input_data, hidden_layer),
    torch.nn.ReLU(),
    torch.nn.Linear(hidden_layer, output_data)
)
models_2 = torch.nn.Sequential(OrderedDict([
    ("Line1", torch.nn.Linear(input_data, hidden_layer)),
    ("ReLU1", torch.nn.ReLU()),
    ("Line2", torch.nn.Linear(hidden_layer, output_data))])
)
print(models_1)
print(models_2)

# 3.2 线性回归
x_train = np.array([[3.3], [4.4], [5.5], [6.71], [6.93], [4.168], [9.779], [6.182], [7.59], [2.167], [7.042], [10.791], [5.313], [7.997], [3.1]], dtype=np.float32)
y_train = np.array([[1.7], [2.76], [2.09], [3.19], [1.694], [1.573], [3.366], [2.596], [2.53], [1.221], [2.827], [3.465], [1.65], [2.904], [1.3]], dtype=np.float32)
x_train = torch.from_numpy(x_train)
y_train = torch.from_numpy(y_train)


class LinearRegression(nn.Module):
    def __init__(self):
        super(LinearRegression, self).__init__() #继承父类
        self.linear = nn.Linear(1, 1) # 1*1

    def forward(self, x):
        out = self.linear(x)
        return out


if torch.cuda.is_available():
    model = LinearRegression().cuda()
else:
    model = LinearRegression()
criterion = torch.nn.MSELoss() # 均方误差
optimizer = torch.optim.SGD(model.parameters(), lr=1e-3) #梯度下降
num_epochs = 1000
for epoch in range(num_epochs):
    if torch.cuda.is_available():
        inputs = Variable(x_train).cuda()
        target = Variable(y_train).cuda()
    else:
        inputs = Variable(x_train)
        target = Variable(y_train)
    # forward
    out = model(inputs)
    loss = criterion(out, target) #均方误差
    # backward
    optimizer.zero_grad() #置0
    loss.backward() #求梯度
    optimizer.step() #更新所有的参数,梯度下降
    if (epoch + 1) % 50 == 0:
        print('Epoch[{}/{}],Loss:{:.6f}'.format(epoch + 1, num_epochs, loss))
model.eval() #将模型变成测试模式
predict = model(Variable(x_train))
predict = predict.data.numpy()
print(predict)


# 3.2.5 多项式回归
def make_features(x):
    x = x.unsqueeze(1) # 在第1维(从0开始)增加一维
    return torch.cat([x ** i for i in range(1, 4)], 1) #1代表横着拼接x,x^2,x^3


w_target = torch.FloatTensor([0.5, 3, 2.4]).unsqueeze(1) # 在第1维(从0开始)加一层
b_target = torch.FloatTensor([0.9])


def f(x):
    #定义∑wix^i+b
    return x.mm(w_target) + b_target[0]


def get_batch(batch_size=32):
    #产生数据
    random = torch.randn(batch_size)
    x = make_features(random)
    y = f(x)
    if torch.cuda.is_available():
        return Variable(x).cuda(), Variable(y).cuda()
    else:
        return Variable(x), Variable(y)


class poly_model(nn.Module):
    def __init__(self):
        super(poly_model, self).__init__()
        self.poly = nn.Linear(3, 1)

    def forward(self, x):
        out = self.poly(x)
        return out


if torch.cuda.is_available():
    model = poly_model().cuda()
else:
    model = poly_model()

criterion = nn.MSELoss() # 均方误差
optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)#梯度下降

epoch = 0
while True:
    batch_x, batch_y = get_batch()
    #前向传播
    output = model(batch_x)
    loss = criterion(output, batch_y)
    epoch += 1
    if epoch % 50 == 0:
        print("Epoch:{},Loss:{:.6f}".format(epoch, loss.data.item()))
    optimizer.zero_grad() #置0
    loss.backward() #后向传播
    optimizer.step() #优化参数
    if loss < 1e-2:
        break
print(epoch, model.poly.weight.data, model.poly.bias.data)

# 3.3.6 Logistic回归的代码实现
data_list = open('data.txt').read().split('\n')[:-1]
data_list = [i.split(',') for i in data_list]
data = [(float(i[0]), float(i[1]), float(i[2])) for i in data_list]

np_data = np.array(data, dtype='float32') # 转换成 numpy array
x_data = torch.from_numpy(np_data[:, 0:2]) # 转换成 Tensor, 大小是 [100, 2]
y_data = torch.from_numpy(np_data[:, -1]).unsqueeze(1) # 转换成 Tensor,大小是 [100, 1]


#分类
class LogisticRegression(nn.Module):
    def __init__(self):
        super(LogisticRegression, self).__init__() #继承
        self.lr = nn.Linear(2, 1) #2*1
        self.sm = nn.Sigmoid() #sigmoid函数

    def forward(self, x):
        x = self.lr(x)
        x = self.sm(x)
        return x


logistic_model = LogisticRegression()
if torch.cuda.is_available():
    logistic_model.cuda()
criterion = nn.BCELoss() #二分类的损失函数
#随机梯度下降优化,parameters是可优化参数,lr是学习率,momentum是动量因子
optimizer = torch.optim.SGD(logistic_model.parameters(), lr=1e-3, momentum=0.9)

for epoch in range(1000):
    if torch.cuda.is_available():
        x = Variable(x_data).cuda()
        y = Variable(y_data).cuda()
    else:
        x = Variable(x_data)
        y = Variable(y_data)
    #forward
    out = logistic_model(x)
    loss = criterion(out, y)
    mask = out.ge(0.5).float() #if out>0.5,out=1,else out=0
    acc = float((mask == y_data).sum().item()) / y_data.shape[0]
    #backward
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 100 == 0:
        print('*' * 10)
        print('Epoch: {},Loss: {:.4f},Acc: {:.4f}'.format(epoch + 1, loss, acc))
# 画线w1x+w2y+b=0
w0, w1 = logistic_model.lr.weight[0]
b = logistic_model.lr.bias.data[0]
plot_x = np.arange(30, 100, 0.1)
w0 = w0.data
w1 = w1.data
plot_y = (-w0 * plot_x - b) / w1
print(plot_y[:5], plot_y.shape)
